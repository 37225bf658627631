import "server-only";
import type { Merchant } from "@/lib/config/schema";
import {
  issuedSignatures as protocolSignatures,
  notifyMessage,
  signedReturnUrl as protocolReturnUrl,
} from "@/lib/merchant-api/registry";
import type { NotifyMessage } from "@/lib/merchant-api/protocol";
import type { Order } from "@/lib/storage/records";

/*
 * What the outbox sends for a paid order, asked of the protocol that created it (lib/merchant-api/registry.ts):
 * merchant-notify owns the outbox, the pool, the schedule and the send, and knows no protocol's fields. A new
 * protocol registers there; nothing here changes.
 */

/** A notification as the outbox stores it. */
export type OutboxMessage = NotifyMessage;

/** The notification a paid order sends, in its protocol's format; null when there is nowhere to send. */
export function notificationFor(merchant: Merchant, order: Order): OutboxMessage | null {
  return notifyMessage(merchant, order);
}

/** The signed sync return URL for a paid order, in its protocol's format. */
export function signedReturnUrl(merchant: Merchant, order: Order): string | undefined {
  return protocolReturnUrl(merchant, order);
}

/** Every signature a paid order's notification and return URL carry (lib/orders/signature-guard.ts remembers them). */
export function issuedSignatures(merchant: Merchant, order: Order): string[] {
  return protocolSignatures(merchant, order);
}
