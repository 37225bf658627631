import type { PayType } from "@/lib/pay-types";

/**
 * The postMessage protocol between a framed cashier page and its host (public/embed.js, docs/cashier.md).
 * Every message is a plain object with `source: "paydesk"`, the order id and a `type`; the page posts it only to the
 * host's origin after checking it against the merchant's `embed_origins`, never to `"*"`.
 */
export type PaydeskMessage =
  /** The page is interactive; `height` is its content height in CSS pixels. */
  | { source: "paydesk"; order_id: string; type: "ready"; height: number }
  /** The content height changed (layout, status panel, language). */
  | { source: "paydesk"; order_id: string; type: "resize"; height: number }
  /** The public order status changed. */
  | { source: "paydesk"; order_id: string; type: "status"; status: "pending" | "paid" | "expired" | "closed" }
  /** Paid, and the shop may be shown: `return_url` is the signed sync-return URL for the top page. */
  | { source: "paydesk"; order_id: string; type: "paid"; return_url: string }
  /** Expired (or closed) unpaid; `timeout_url` is the merchant's timeout page when configured. */
  | { source: "paydesk"; order_id: string; type: "expired"; timeout_url: string | null }
  /**
   * No code could be made for the payer (every eligible channel of `wallet` failed, or, `wallet` null, no wallet is
   * available at all). The page shows a retry, the wallets still offered (`others`) and the way back (`back_url`:
   * the timeout URL, else the shop's site). The order stays open: a later retry or another wallet may still pay it,
   * so the host should not treat this as the end (nothing moves the top page on it).
   */
  | {
      source: "paydesk";
      order_id: string;
      type: "failed";
      wallet: PayType | null;
      others: PayType[];
      back_url: string | null;
    };

type Distribute<T> = T extends unknown ? Omit<T, "source" | "order_id"> : never;
export type PaydeskMessageBody = Distribute<PaydeskMessage>;

/**
 * The origin to talk to: the host origin embed.js announced (`?origin=`), else what the browser reports about the
 * parent; returned only when it is one of the merchant's embed origins.
 */
export function pickHostOrigin(candidates: (string | null | undefined)[], allowed: readonly string[]): string | null {
  const normalized = new Set(allowed.map(originOf).filter((o): o is string => o !== null));
  for (const candidate of candidates) {
    const origin = candidate ? originOf(candidate) : null;
    if (origin && normalized.has(origin)) return origin;
  }
  return null;
}

function originOf(url: string): string | null {
  try {
    const o = new URL(url).origin;
    return o === "null" ? null : o;
  } catch {
    return null;
  }
}
