"use client";

import { useCallback, useEffect, useRef, useState } from "react";
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

/** Reads the `nosign` query's answer with the DTO shape: the browser trusts no shape it did not check. */
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

export interface OrderStatus {
  view: PublicOrderView;
  /**
   * With a view (the check button's fresh answer): shows it, the open poll carries on. Without: asks now with a plain
   * query (the open poll is replaced, not joined by a second) and resolves to the answer, or undefined when the query
   * failed; held polling resumes after it.
   */
  refresh: (fresh?: PublicOrderView) => Promise<PublicOrderView | undefined>;
}

/**
 * The page's status: a held poll (`status` = what the page shows, `wait` = 25 s) that the server answers the moment
 * the order changes, re-issued on each answer, so one request is open per payer. If a held poll comes back unchanged
 * long before its wait, the server does not hold, and the page falls back to plain 2 s polling. After errors it
 * retries at 2, 4, 8 … 30 s; offline it waits for the network and asks the moment it is back. A hidden page keeps
 * following for a minute (the payer is paying in the wallet app), then stops until it is shown again, when it asks
 * at once; so does focus. Never once settled. (A small loop of its own: SWR cost the page ~6 kB gzip for this.)
 */
export function useOrderStatus(initial: PublicOrderView): OrderStatus {
  const [view, setView] = useState(initial);
  const latest = useRef(initial);
  const hiddenSince = useRef<number | null>(null);
  const plainPolling = useRef(false);
  const errors = useRef(0);
  const inFlight = useRef<{ controller: AbortController; done: Promise<PublicOrderView | undefined> } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** `replace`: abort the open poll and ask now, and with a plain query (an explicit ask wants an answer, not a wait). */
  const poll = useRef<(replace: boolean) => Promise<PublicOrderView | undefined>>(async () => undefined);
  const url = `/api/cloudpay/query?order_id=${initial.order_id}&sign=nosign`;

  const show = useCallback((v: PublicOrderView) => {
    latest.current = v;
    setView(v);
  }, []);

  useEffect(() => {
    let stopped = false;
    const active = () => hiddenSince.current === null || Date.now() - hiddenSince.current < HIDDEN_POLL_MS;
    const schedule = (ms: number) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void poll.current(false), ms);
    };

    poll.current = async (replace) => {
      const shown = latest.current;
      if (stopped || isSettled(shown)) return shown;
      // A revalidation (focus) while a poll is open joins it; an explicit refresh replaces it.
      if (inFlight.current && !replace) return inFlight.current.done;
      inFlight.current?.controller.abort();
      clearTimeout(timer.current);
      // Past the hidden grace, or offline, the page waits: visibility, focus and `online` start it again.
      if (!active() || !navigator.onLine) return undefined;
      const controller = new AbortController();
      const held = !plainPolling.current && !replace;
      const started = Date.now();
      const done = (async () => {
        try {
          const res = await fetch(held ? `${url}&status=${shown.status}&wait=${HOLD_SECONDS}` : url, {
            cache: "no-store",
            signal: controller.signal,
          });
          const data = await readStatus(res);
          const unchanged =
            data.status === shown.status && data.return_url === shown.return_url && data.settled === shown.settled;
          if (held && unchanged && Date.now() - started < (HOLD_SECONDS * 1000) / 2) plainPolling.current = true;
          errors.current = 0;
          if (!stopped) show(data);
          if (!isSettled(data)) schedule(plainPolling.current ? POLL_MS : REISSUE_MS);
          return data;
        } catch {
          // Aborted: whoever aborted it has already asked again.
          if (controller.signal.aborted || stopped) return undefined;
          errors.current += 1;
          schedule(errorRetryDelay(errors.current));
          return undefined;
        } finally {
          if (inFlight.current?.controller === controller) inFlight.current = null;
        }
      })();
      inFlight.current = { controller, done };
      return done;
    };

    const resume = () => {
      errors.current = 0;
      void poll.current(true);
    };
    // Shown again, or focused: ask now unless a poll is open (that one answers the moment anything changes).
    const onVisibility = () => {
      const wasIdle = !active();
      hiddenSince.current = document.hidden ? (hiddenSince.current ?? Date.now()) : null;
      if (!document.hidden) (wasIdle ? resume : () => void poll.current(false))();
    };
    const onFocus = () => void poll.current(false);
    hiddenSince.current = document.hidden ? Date.now() : null;
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("focus", onFocus);
    window.addEventListener("online", resume);
    void poll.current(false);
    return () => {
      stopped = true;
      clearTimeout(timer.current);
      inFlight.current?.controller.abort();
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("focus", onFocus);
      window.removeEventListener("online", resume);
    };
  }, [url, show]);

  const refresh = useCallback(
    async (fresh?: PublicOrderView) => {
      if (fresh) {
        show(fresh);
        return fresh;
      }
      return poll.current(true);
    },
    [show],
  );
  return { view, refresh };
}
