"use client";

import { useCallback, useEffect, useRef } from "react";
import useSWR from "swr";
import { statusQueryResponseSchema } from "@/lib/cashier/payer-dtos";
import type { PublicOrderView } from "@/lib/orders/public-order-view";

/** The fallback rhythm: plain polling, for a server (or a proxy in front of it) that answers held polls at once. */
const POLL_MS = 2000;
const MAX_BACKOFF_MS = 30_000;
/** How long one held poll may wait on the server (it caps at 30 s; this stays below common proxy idle timeouts). */
const HOLD_SECONDS = 25;
/** Pause between a held poll's answer and the next one (keeps a misbehaving server from being hammered). */
const REISSUE_MS = 50;
/** How long a hidden page keeps polling: long enough to notice a payment made in the wallet app it switched to. */
const HIDDEN_POLL_MS = 60_000;

/** Reads the `nosign` query's answer with the DTO schema: the browser trusts no shape it did not check. */
async function readStatus(res: Response): Promise<PublicOrderView> {
  const parsed = statusQueryResponseSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error("unexpected status answer");
  const body = parsed.data;
  if (body.code !== 100 || !body.data) throw new Error(body.msg);
  return body.data;
}

/** Terminal for the page: nothing more can change what it shows (paid with the way back known, expired, closed). */
export function isSettled(v: PublicOrderView): boolean {
  return (
    v.status === "expired" ||
    v.status === "closed" ||
    (v.status === "paid" && (v.return_url !== undefined || v.settled === true))
  );
}

/** Delay before the n-th retry after consecutive errors (n ≥ 1): 2 s, 4 s, 8 s … capped at 30 s. */
export function errorRetryDelay(retryCount: number): number {
  return Math.min(POLL_MS * 2 ** Math.max(0, retryCount - 1), MAX_BACKOFF_MS);
}

/**
 * The page's status, through SWR: a held poll (`status` = what the page shows, `wait` = 25 s) that the server
 * answers the moment the order changes, re-issued on each answer, so one request is open per payer. If a held poll
 * comes back unchanged long before its wait, the server does not hold, and the page falls back to plain 2 s polling.
 * After an error SWR's interval polling stands still, so the retries with back-off come from onErrorRetry. A hidden
 * page keeps following for a minute (the payer is paying in the wallet app), then stops until it is shown again,
 * when it revalidates at once.
 */
export function useOrderStatus(initial: PublicOrderView) {
  const hiddenSince = useRef<number | null>(null);
  const latest = useRef(initial);
  const plainPolling = useRef(false);
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => {
    const track = () => {
      hiddenSince.current = document.hidden ? (hiddenSince.current ?? Date.now()) : null;
    };
    track();
    document.addEventListener("visibilitychange", track);
    return () => {
      document.removeEventListener("visibilitychange", track);
      inFlight.current?.abort();
    };
  }, []);
  const active = useCallback(
    () => hiddenSince.current === null || Date.now() - hiddenSince.current < HIDDEN_POLL_MS,
    [],
  );

  const fetchStatus = useCallback(async (url: string): Promise<PublicOrderView> => {
    // One request open per payer: a revalidation (focus, the check button) replaces the held one instead of adding one.
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    const shown = latest.current;
    const held = !plainPolling.current && !isSettled(shown);
    const started = Date.now();
    try {
      const res = await fetch(held ? `${url}&status=${shown.status}&wait=${HOLD_SECONDS}` : url, {
        cache: "no-store",
        signal: controller.signal,
      });
      const data = await readStatus(res);
      const unchanged =
        data.status === shown.status && data.return_url === shown.return_url && data.settled === shown.settled;
      if (held && unchanged && Date.now() - started < (HOLD_SECONDS * 1000) / 2) plainPolling.current = true;
      latest.current = data;
      return data;
    } finally {
      if (inFlight.current === controller) inFlight.current = null;
    }
  }, []);

  // Stable identity matters: SWR restarts its timer whenever this function changes, and the page re-renders every
  // second for the countdown, so an inline function would postpone the next poll forever.
  const refreshInterval = useCallback(
    (v: PublicOrderView | undefined) => (v && isSettled(v) ? 0 : plainPolling.current ? POLL_MS : REISSUE_MS),
    [],
  );
  const swr = useSWR(`/api/cloudpay/query?order_id=${initial.order_id}&sign=nosign`, fetchStatus, {
    fallbackData: initial,
    refreshInterval,
    isVisible: active,
    revalidateOnMount: !isSettled(initial),
    revalidateOnFocus: true,
    // No deduping window after an answer: the next held poll goes out at once. A revalidation (focus) while one is
    // in flight still joins it (SWR dedupes onto the open request), so one request stays open per payer.
    dedupingInterval: 0,
    errorRetryCount: Number.POSITIVE_INFINITY,
    onErrorRetry: (_error, _key, _config, revalidate, { retryCount }) => {
      // Past the hidden grace the page waits for the payer to come back (focus revalidates) instead of retrying.
      if (!active()) return;
      setTimeout(() => void revalidate({ retryCount }), errorRetryDelay(retryCount));
    },
  });
  const view = swr.data ?? initial;
  // What the next held poll says the page shows (a mutate, e.g. the check button's answer, changes it too).
  useEffect(() => {
    latest.current = view;
  }, [view]);
  return { view, mutate: swr.mutate };
}
