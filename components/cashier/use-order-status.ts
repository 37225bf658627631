"use client";

import { useCallback, useEffect, useRef } from "react";
import useSWR from "swr";
import { statusQueryResponseSchema } from "@/lib/cashier/payer-dtos";
import type { PublicOrderView } from "@/lib/orders/public-order-view";

const POLL_MS = 2000;
const MAX_BACKOFF_MS = 30_000;
/** How long a hidden page keeps polling: long enough to notice a payment made in the wallet app it switched to. */
const HIDDEN_POLL_MS = 60_000;

async function fetchStatus(url: string): Promise<PublicOrderView> {
  const res = await fetch(url, { cache: "no-store" });
  const parsed = statusQueryResponseSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error("unexpected status answer");
  const body = parsed.data;
  if (body.code !== 100 || !body.data) throw new Error(body.msg);
  return body.data;
}

/** Terminal for the page: nothing more can change what it shows (paid with the way back known, expired, closed). */
export function isSettled(v: PublicOrderView): boolean {
  return v.status === "expired" || v.status === "closed" || (v.status === "paid" && v.return_url !== undefined);
}

/** Delay before the n-th retry after consecutive errors (n ≥ 1): 2 s, 4 s, 8 s … capped at 30 s. */
export function errorRetryDelay(retryCount: number): number {
  return Math.min(POLL_MS * 2 ** Math.max(0, retryCount - 1), MAX_BACKOFF_MS);
}

/**
 * SWR polling of the public `nosign` query every 2 s, none at all once settled. After an error SWR's interval
 * polling stands still (it never polls over a cached error), so the retries with back-off come from onErrorRetry;
 * the first success resumes the 2 s rhythm. A hidden page keeps polling for a minute (the payer is paying in the
 * wallet app), then stops until it is shown again, when it revalidates at once.
 */
export function useOrderStatus(initial: PublicOrderView) {
  const hiddenSince = useRef<number | null>(null);
  useEffect(() => {
    const track = () => {
      hiddenSince.current = document.hidden ? (hiddenSince.current ?? Date.now()) : null;
    };
    track();
    document.addEventListener("visibilitychange", track);
    return () => document.removeEventListener("visibilitychange", track);
  }, []);
  const active = useCallback(
    () => hiddenSince.current === null || Date.now() - hiddenSince.current < HIDDEN_POLL_MS,
    [],
  );
  // Stable identity matters: SWR restarts its timer whenever this function changes, and the page re-renders every
  // second for the countdown, so an inline function would postpone the next poll forever.
  const refreshInterval = useCallback(
    (latest: PublicOrderView | undefined) => (latest && isSettled(latest) ? 0 : POLL_MS),
    [],
  );
  const swr = useSWR(`/api/cloudpay/query?order_id=${initial.order_id}&sign=nosign`, fetchStatus, {
    fallbackData: initial,
    refreshInterval,
    isVisible: active,
    revalidateOnMount: !isSettled(initial),
    revalidateOnFocus: true,
    dedupingInterval: 500,
    errorRetryCount: Number.POSITIVE_INFINITY,
    onErrorRetry: (_error, _key, _config, revalidate, { retryCount }) => {
      // Past the hidden grace the page waits for the payer to come back (focus revalidates) instead of retrying.
      if (!active()) return;
      setTimeout(() => void revalidate({ retryCount }), errorRetryDelay(retryCount));
    },
  });
  return { view: swr.data ?? initial, mutate: swr.mutate };
}
