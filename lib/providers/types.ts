import type { z } from "zod";
import type { PayType } from "@/lib/pay-types";

/** What Paydesk asks a provider for when an order is created. Amounts are integer fen. */
export interface CreatePaymentInput {
  /** Paydesk's public order id; providers use it (or a derivative) as their merchant order number. */
  orderId: string;
  amountFen: number;
  type: PayType;
  /** `{base}/api/notify/{channel_id}`: where the provider must send its notification. */
  notifyUrl: string;
  /** `{base}/pay/{order_id}`: the cashier page, for providers that send the payer back somewhere. */
  pageUrl: string;
  /** Short human description (the merchant's name), for providers that show a subject. */
  subject: string;
  /** A stable id of the payer on the merchant side (the order's `custom`, or the order id). */
  payerId: string;
  /** Milliseconds since the epoch; providers must not read the clock themselves. */
  now: number;
  /**
   * Until when the order may still be paid (ms): its expiry plus the merchant's late grace. A provider that holds
   * something for the order (an amount, a code) keeps it that long. Absent only in provider unit tests.
   */
  holdUntil?: number;
  /** Aborts the upstream call when the configured timeout passes. */
  signal: AbortSignal;
}

/** A provider's answer to a create. */
export interface CreatePaymentResult {
  /** What the QR encodes (`wxp://…`, `https://qr.alipay.com/…`, a URL …). */
  payload: string;
  /** Fen the payer must actually pay; differs from the price when the provider offsets amounts. */
  payAmountFen: number;
  /** The provider's own order id, when it has one; notifications may refer to the order by it. */
  providerOrderId: string | null;
  /** When the provider stops accepting payment for this code (ms); caps the order's expiry. */
  expiresAt: number | null;
  /** True for a free-amount code: the payer types the amount, so the page must insist on the exact sum. */
  freeAmount: boolean;
}

/** The raw notification as it reached `/api/notify/{channel}`; parseNotify verifies before trusting any of it. */
export interface NotifyRequest {
  method: string;
  url: URL;
  headers: Headers;
  rawBody: string;
  /**
   * Paydesk's clock when the notify arrived (ms). Providers whose notifies carry a signed timestamp (WeChat Pay v3)
   * refuse stale ones against it; absent, they use the system clock.
   */
  now?: number;
}

/** The HTTP answer a provider expects; each provider has its own success and failure bodies. */
export interface ProviderAck {
  status: number;
  body: string;
  contentType?: string;
}

/** How a verified payment points at its order. Providers resolve what only they can (e.g. a memo via a QR cache). */
export type PaymentMatch =
  { by: "order_id"; orderId: string } | { by: "provider_order_id"; providerOrderId: string } | { by: "none" };

/** The outcome of parsing one notification. */
export type NotifyOutcome =
  | {
      kind: "payment";
      /**
       * The provider's transaction number: with the content (amount, and `type` where reported), the key that makes
       * every payment apply once. The same number with other content is recorded as a payment of its own.
       */
      tradeNo: string;
      amountFen: number;
      /**
       * The wallet the notify says was paid with, for providers that report one, in Paydesk's words (`alipay`,
       * `wxpay`, `qqpay`) where it is one of them, else as sent: it must be the order's, or the payment is reviewed.
       */
      type?: string;
      match: PaymentMatch;
      /** Answer to send once the payment is durably recorded (applied, duplicate, or kept for review). */
      ack: ProviderAck;
      /** The verified fields, kept with the payment for review. */
      raw: Record<string, unknown>;
      /**
       * Set by a monitor app whose report carries no freshness but its own send time (V免签's `t`, which the sign
       * covers only inside a concatenation, so a re-split of one genuine push is another "signed" one): outside the
       * heartbeat's clock window the payment is recorded for review, never credited, and answered `clockAck`.
       */
      clock?: { sentAt: number; clockAck: ProviderAck };
    }
  /**
   * A monitor app's verified liveness call, sent at `sentAt` by the app's clock (ms). Recorded with Paydesk's own
   * clock; answered `ack`, or `clockAck` when the app's clock is too far off for the call to be a fresh one.
   */
  | { kind: "heartbeat"; sentAt: number; offlineAfterMs: number; ack: ProviderAck; clockAck: ProviderAck }
  /** Verified but not a payment (e.g. a "not paid" status report): acknowledge, change nothing. */
  | { kind: "ignored"; reason: string; ack: ProviderAck }
  /** Failed verification or malformed: answer the provider's failure ack, change nothing. */
  | { kind: "rejected"; reason: string; ack: ProviderAck }
  /** A payer's browser landed on the notify URL (some providers reuse it as a return URL): send it to the page. */
  | { kind: "browser"; match: PaymentMatch };

/** A reconciliation answer from providers that can be queried. */
export type QueryOutcome =
  { paid: true; tradeNo: string; amountFen: number; raw: Record<string, unknown> } | { paid: false };

/** The order facts a provider may need for reconciliation. */
export interface QueryPaymentInput {
  orderId: string;
  providerOrderId: string | null;
  amountFen: number;
  now: number;
  signal: AbortSignal;
}

/**
 * One provider, bound to one channel's configuration. Provider-native field names never leave its folder.
 */
export interface PaymentProvider {
  createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult>;
  /** Verify first; never throw for bad input (answer `rejected`). */
  parseNotify(request: NotifyRequest): Promise<NotifyOutcome>;
  /** The ack that makes the provider retry later (used when Paydesk itself failed to record the payment). */
  retryAck: ProviderAck;
  /** Optional upstream status query, used only as rate-limited reconciliation. */
  queryPayment?(input: QueryPaymentInput): Promise<QueryOutcome>;
  /**
   * Optional: whether the channel can take a new order now (e.g. its monitor app has called in recently). Channel
   * selection skips a channel answering false; its notifications are still accepted.
   */
  isAvailable?(now: number): Promise<boolean>;
  /**
   * Only the sandbox has this: the form body of a notification it would accept for that payment, which the cashier's
   * "simulate payment" button feeds through the ordinary ingestion path.
   */
  simulatedNotifyBody?(payment: { orderId: string; amountFen: number; tradeNo: string }): string;
  /**
   * Optional, for official channels that can close a trade upstream (Alipay 当面付, WeChat Pay v3): called when an
   * order expires, so its code cannot be paid afterwards. `paid` means the platform refused because the trade was
   * already paid: reconcile the order instead of expiring it.
   */
  closePayment?(input: ClosePaymentInput): Promise<CloseOutcome>;
  /** Optional: refund part or all of a paid trade upstream. Never throws for a refusal (answers `failed`). */
  refund?(input: RefundInput): Promise<RefundOutcome>;
  /** Optional: the state of a refund asked earlier (a `pending` one, or one whose answer was lost). */
  queryRefund?(input: RefundQueryInput): Promise<RefundOutcome>;
}

/** The order whose upstream trade should be closed. */
export interface ClosePaymentInput {
  orderId: string;
  providerOrderId: string | null;
  now: number;
  signal: AbortSignal;
}

export type CloseOutcome = { kind: "closed" } | { kind: "paid" };

/** One refund of a paid order. `refundNo` is Paydesk's id of the refund: retrying with it never refunds twice. */
export interface RefundInput {
  orderId: string;
  /** The provider's trade number of the payment (the payment row's `trade_no`). */
  tradeNo?: string;
  refundNo: string;
  amountFen: number;
  /** What the payer paid in all (WeChat Pay asks for it with every refund). */
  totalFen: number;
  reason?: string;
  now: number;
  signal: AbortSignal;
}

export interface RefundQueryInput {
  orderId: string;
  refundNo: string;
  now: number;
  signal: AbortSignal;
}

/**
 * A refund's state upstream. `pending`: accepted but not yet settled (query again later). `failed`: refused, with
 * the platform's reason (e.g. the balance is short); the same refundNo may be retried after the cause is fixed.
 * Transport failures throw UpstreamError instead (the outcome is unknown).
 */
export type RefundOutcome =
  | { kind: "succeeded"; providerRefundId?: string; amountFen?: number }
  | { kind: "pending"; providerRefundId?: string }
  | { kind: "failed"; reason: string };

/*
 * The ports: what providers that keep state of their own ask of storage, in the fewest methods they use. They are
 * declared here, by their users; lib/storage's repositories implement them (their methods have these names and
 * shapes), and lib/context.ts wires the one into the other. No provider imports lib/storage.
 */

/** A code a monitor program generated for one amount, kept so it can be lent to a later order of that amount. */
export interface CachedQrCode {
  id: number;
  channel_id: string;
  amount_fen: number;
  /** The marker the payment's notify carries back, unique per channel. */
  memo: string;
  content: string;
  /** The order the code is lent to; null once released. */
  order_id: string | null;
  locked_at: number;
  created_at: number;
}

/** Asks to lend a free cached code of this channel and amount to an order. */
export interface QrCodeClaim {
  channelId: string;
  amountFen: number;
  orderId: string;
  now: number;
  /** How long a code stays lent to its order. */
  lockMs: number;
}

/** 三网's QR-code cache: codes lent to orders, matched back to them by memo. */
export interface QrCodeCachePort {
  /** Lends a free code (atomically, so two orders never share one), or undefined when none is free. */
  claimFreeQrCode(claim: QrCodeClaim): Promise<CachedQrCode | undefined>;
  /** Stores a freshly generated code, already lent to the order it was generated for. */
  insertLockedQrCode(code: Omit<CachedQrCode, "id" | "order_id"> & { order_id: string }): Promise<CachedQrCode>;
  findQrCodeByMemo(channelId: string, memo: string): Promise<CachedQrCode | undefined>;
}

/** Asks to give one amount on (channel, wallet) to one order until `reservedUntil`. */
export interface AmountClaim {
  channelId: string;
  type: string;
  amountFen: number;
  orderId: string;
  now: number;
  reservedUntil: number;
}

/** V免签: the amounts open orders hold per channel and wallet (one order per amount). */
export interface AmountReservationsPort {
  /** True when the amount is now this order's; false when another open order holds it. Atomic across instances. */
  reserveAmount(claim: AmountClaim): Promise<boolean>;
  /** The order holding this amount, the one a payment of exactly that amount credits. */
  findAmountHolder(channelId: string, type: string, amountFen: number): Promise<string | undefined>;
}

/** V免签: when each channel's monitor app last called in. */
export interface MonitorHeartbeatsPort {
  /** Milliseconds since the epoch, or null when the app never called in. */
  lastHeartbeat(channelId: string): Promise<number | null>;
}

/** What a provider factory receives besides its channel config. */
export interface ProviderDeps {
  fetch: typeof fetch;
  /** 三网's QR-code cache. */
  qrCache: QrCodeCachePort;
  amounts: AmountReservationsPort;
  monitors: MonitorHeartbeatsPort;
}

/**
 * A provider module: its channel-config schema and a factory. Each provider's folder exports one of these; the
 * registry lists them, and the channel-config union is built from their schemas, so a new provider is its folder
 * plus one registry line.
 */
export interface ProviderDefinition<S extends z.ZodObject = z.ZodObject> {
  schema: S;
  create(channel: z.infer<S>, deps: ProviderDeps): PaymentProvider;
}

/**
 * Thrown by createPayment when this channel cannot take the order now but another might (e.g. every amount near
 * the price is held by open orders): the order moves on to the next channel, or is refused with code 204. Not an
 * upstream failure, so it does not count against the channel's circuit breaker.
 */
export class ChannelBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChannelBusyError";
  }
}

/** Thrown by createPayment when the upstream failed; the message may be shown to the merchant (code 208). */
export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UpstreamError";
  }
}
