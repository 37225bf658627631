import "server-only";
import type { Merchant } from "@/lib/config/schema";
import type { OrderMessages } from "@/lib/context";
import type { Notification, Order, OrderProtocol } from "@/lib/storage/records";
import { cloudpayMessages } from "./cloudpay/cloudpay-notify-message";
import { epayMessages } from "./epay/epay-notify-message";
import { epayV2Messages } from "./epay-v2/epay-v2-notify-message";
import { isBareSuccess, type MerchantApiMessages, type NotifyMessage } from "./protocol";
import { vmqMessages } from "./vmq/vmq-notify-message";

/**
 * The merchant protocols by the name an order records (`orders.protocol`): the one place that lists them. A fourth
 * protocol is a folder beside these three and one line here (the Record makes a missing line a type error);
 * lib/merchant-notify does not change.
 */
const PROTOCOLS: Record<OrderProtocol, MerchantApiMessages> = {
  cloudpay: cloudpayMessages,
  // Before epay: V1's `wrote` claims every GET with `trade_status`, V2's only those signed RSA.
  "epay-v2": epayV2Messages,
  epay: epayMessages,
  vmq: vmqMessages,
};

/** The messages of the protocol that created `order`. */
export function messagesFor(order: Order): MerchantApiMessages {
  return PROTOCOLS[order.protocol];
}

/** The notification a paid order sends, in its protocol's format; null when there is nowhere to send. */
export function notifyMessage(merchant: Merchant, order: Order): NotifyMessage | null {
  return messagesFor(order).notifyMessage(merchant, order);
}

/** The signed sync return URL for a paid order, in its protocol's format. */
export function signedReturnUrl(merchant: Merchant, order: Order): string | undefined {
  return messagesFor(order).returnUrl(merchant, order);
}

/**
 * Every signature a paid order's messages carry: its notification's and its return URL's, read from the messages
 * themselves, so what is remembered (lib/orders/signature-guard.ts) is exactly what goes out. A merchant URL may
 * bring a signature parameter of its own; it is kept too (refusing it as a request costs nothing).
 */
export function issuedSignatures(merchant: Merchant, order: Order): string[] {
  const protocol = messagesFor(order);
  const param = protocol.signatureParam;
  const signs: string[] = [];
  const message = protocol.notifyMessage(merchant, order);
  if (message) {
    signs.push(...new URL(message.url).searchParams.getAll(param));
    if (message.method === "POST") signs.push(...new URLSearchParams(message.body).getAll(param));
  }
  const back = protocol.returnUrl(merchant, order);
  if (back) signs.push(...new URL(back).searchParams.getAll(param));
  return [...new Set(signs.filter((s) => s !== ""))];
}

/** The port the order service is given (lib/context.ts `OrderMessages`): these messages, by the order's protocol. */
export const orderMessages: OrderMessages = { notificationFor: notifyMessage, signedReturnUrl, issuedSignatures };

/** Which protocol wrote a stored notification, asked of each in turn; undefined for a shape none of them writes. */
export function notificationProtocol(n: Pick<Notification, "method" | "url">): OrderProtocol | undefined {
  return (Object.keys(PROTOCOLS) as OrderProtocol[]).find((name) => PROTOCOLS[name].wrote(n));
}

/**
 * What a stored notification sends at `now`: its protocol's `refresh` of it (V2 re-signs with the sending second),
 * or the row itself, byte for byte, for every protocol without one.
 */
export function notificationToSend(n: Notification, now: number): Notification {
  const protocol = notificationProtocol(n);
  const refresh = protocol ? PROTOCOLS[protocol].refresh : undefined;
  if (!refresh) return n;
  const fresh = refresh({ url: n.url, body: n.body, method: n.method }, now);
  return { ...n, url: fresh.url, body: fresh.body, method: fresh.method };
}

/**
 * Whether `body` (with a 2xx status) acknowledges a notification of `protocol`, under that protocol's rule
 * (docs/notify-acks.md); a notification no protocol claims (undefined) gets the strict rule: `success`, any case, once
 * a BOM and surrounding whitespace are removed.
 */
export function isNotifyAck(protocol: OrderProtocol | undefined, body: string): boolean {
  return protocol ? PROTOCOLS[protocol].isAck(body) : isBareSuccess(body);
}
