"use client";

import { useCallback, useRef } from "react";
import useSWR from "swr";
import type { PublicOrderView } from "@/lib/orders/order-views";

const POLL_MS = 2000;
const MAX_BACKOFF_MS = 30_000;

async function fetchStatus(url: string): Promise<PublicOrderView> {
  const res = await fetch(url, { cache: "no-store" });
  const body = (await res.json()) as { code: number; msg: string; data?: PublicOrderView };
  if (body.code !== 100 || !body.data) throw new Error(body.msg);
  return body.data;
}

/** Terminal for the page: nothing more can change what it shows (paid with the way back known, expired, closed). */
export function isSettled(v: PublicOrderView): boolean {
  return v.status === "expired" || v.status === "closed" || (v.status === "paid" && v.return_url !== undefined);
}

/**
 * SWR polling of the public `nosign` query every 2 s, doubling the interval after each error (up to 30 s), and none
 * at all once settled. SWR does not poll a hidden tab (refreshWhenHidden is off) and revalidates when the payer comes
 * back from the wallet app, which is the moment a status change matters.
 */
export function useOrderStatus(initial: PublicOrderView) {
  const errors = useRef(0);
  // Stable identity matters: SWR restarts its timer whenever this function changes, and the page re-renders every
  // second for the countdown, so an inline function would postpone the next poll forever.
  const refreshInterval = useCallback((latest: PublicOrderView | undefined) => {
    if (latest && isSettled(latest)) return 0;
    return Math.min(POLL_MS * 2 ** errors.current, MAX_BACKOFF_MS);
  }, []);
  const swr = useSWR(`/api/cloudpay/query?order_id=${initial.order_id}&sign=nosign`, fetchStatus, {
    fallbackData: initial,
    refreshInterval,
    revalidateOnMount: !isSettled(initial),
    revalidateOnFocus: true,
    dedupingInterval: 500,
    // Our interval already backs off; SWR's own error retry would poll a second time.
    shouldRetryOnError: false,
    onSuccess: () => {
      errors.current = 0;
    },
    onError: () => {
      errors.current += 1;
    },
  });
  return { view: swr.data ?? initial, mutate: swr.mutate };
}
