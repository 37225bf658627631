import type { Merchant } from "@/lib/config/schema";
import type { NotificationMethod, Order } from "@/lib/storage/records";

/** A notification as the outbox stores and sends it (lib/merchant-notify): where, what, and how. */
export interface NotifyMessage {
  url: string;
  body: string;
  method: NotificationMethod;
}

/**
 * What every merchant protocol tells the rest of Paydesk about a paid order, in its own format: the notification
 * to the shop and the payer's signed way back. lib/merchant-notify and the order views ask through the registry
 * (./registry.ts) and know no protocol's fields.
 */
export interface MerchantApiMessages {
  /** The notification a paid order sends; null when there is nowhere to send. */
  notifyMessage(merchant: Merchant, order: Order): NotifyMessage | null;
  /** The signed return URL the payer's browser goes to; undefined when there is none. */
  returnUrl(merchant: Merchant, order: Order): string | undefined;
  /** The parameter that carries the signature in both (what lib/orders/signature-guard.ts remembers). */
  signatureParam: string;
  /**
   * Whether a stored notification is one this protocol wrote, read from its own shape: the outbox row has no protocol
   * column, and each protocol knows its message (lib/merchant-api/registry.ts asks them in turn).
   */
  wrote(message: Pick<NotifyMessage, "method" | "url">): boolean;
  /**
   * Whether a shop's answer body (with a 2xx status) acknowledges this protocol's notification. Each protocol's shops
   * were written against one platform's check, so Paydesk accepts at least what that platform accepted (the rules and
   * the evidence behind them: docs/notify-acks.md).
   */
  isAck(body: string): boolean;
  /**
   * The message to send now, made from the stored one; absent for a protocol whose message carries no time of
   * sending (the stored bytes go out as written). V2 signs a `timestamp` that its SDK refuses 300 s later, so each
   * attempt is re-signed at the second it leaves (docs/protocols/epay-v2.md#notify-and-return).
   */
  refresh?(message: NotifyMessage, now: number): NotifyMessage;
}

/** The body with a leading BOM (PHP files saved "UTF-8 with BOM" print it first) and surrounding whitespace removed. */
export function bareAck(body: string): string {
  return body.replace(/^\uFEFF+/, "").trim();
}

/** The strict acknowledgement: `success`, any case, once a BOM and surrounding whitespace are removed. */
export function isBareSuccess(body: string): boolean {
  return bareAck(body).toLowerCase() === "success";
}
