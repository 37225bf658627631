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
}
