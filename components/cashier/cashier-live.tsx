"use client";

import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { checkResponseSchema, CSRF_HEADER, sandboxPayResponseSchema } from "@/lib/cashier/payer-dtos";
import type { PublicOrderView } from "@/lib/orders/public-order-view";
import type { LiveProps, LiveText } from "./live-types";
import { ResultPanel } from "./result-panel";
import { useCashierSession } from "./use-cashier-session";
import { useCountdown } from "./use-countdown";
import { useEmbedHost } from "./use-embed-host";
import { useOnline } from "./use-online";
import { useOrderStatus } from "./use-order-status";

interface LiveState {
  view: PublicOrderView;
  secondsLeft: number;
  confirming: boolean;
  text: LiveText;
  sandbox: boolean;
  checking: boolean;
  notYetPaid: boolean;
  recheck: () => Promise<void>;
  simulating: boolean;
  simulateError: boolean;
  simulate: () => Promise<void>;
}

const LiveContext = createContext<LiveState | null>(null);

export function useLive(): LiveState {
  const state = useContext(LiveContext);
  if (!state) throw new Error("useLive outside <CashierLive>");
  return state;
}

/** Once per order and tab: the shop's return page sending the payer back here must not bounce them again. */
function firstRedirect(orderId: string): boolean {
  try {
    const key = `paydesk:left:${orderId}`;
    if (sessionStorage.getItem(key)) return false;
    sessionStorage.setItem(key, "1");
  } catch {
    // Storage blocked (private mode, partitioned frame): redirecting once per page load is still loop-free enough.
  }
  return true;
}

/**
 * The live part of the cashier: status polling, countdown, redirects, the embed protocol and the page actions. It
 * renders the server-rendered pending layout (children) while the order is pending, and the result panel otherwise.
 */
export function CashierLive({ children, ...props }: LiveProps & { children: ReactNode }) {
  const { view, refresh } = useOrderStatus(props.initial);
  const online = useOnline();
  const orderId = view.order_id;
  const secondsLeft = useCountdown(props.expiresAt, props.serverNow);
  const { post } = useEmbedHost(orderId, props.embedOrigins);
  const getToken = useCashierSession(orderId);
  const [checking, setChecking] = useState(false);
  const [notYetPaid, setNotYetPaid] = useState(false);
  const [simulating, setSimulating] = useState(false);
  const [simulateError, setSimulateError] = useState(false);
  const confirming = view.status === "pending" && secondsLeft === 0;

  // At zero the client clock proves nothing: ask the server, which alone declares the order expired.
  useEffect(() => {
    if (confirming) void refresh();
  }, [confirming, refresh]);

  useEffect(() => {
    post({ type: "status", status: view.status });
    if (view.status === "paid" && view.return_url) {
      post({ type: "paid", return_url: view.return_url });
      // Inside a frame the host (embed.js) moves the top page; navigating the frame would show the shop in a box.
      if (window.parent === window && firstRedirect(orderId)) window.location.replace(view.return_url);
    }
    if (view.status === "expired" || view.status === "closed") {
      post({ type: "expired", timeout_url: props.timeoutUrl });
      if (view.status === "expired" && props.timeoutUrl && window.parent === window && firstRedirect(orderId)) {
        window.location.replace(props.timeoutUrl);
      }
    }
  }, [view.status, view.return_url, post, orderId, props.timeoutUrl]);

  async function recheck() {
    setChecking(true);
    setNotYetPaid(false);
    let fresh: PublicOrderView | undefined;
    const token = await getToken();
    if (token) {
      const res = await fetch(`/pay/${orderId}/check`, { method: "POST", headers: { [CSRF_HEADER]: token } }).catch(
        () => null,
      );
      if (res?.ok) fresh = checkResponseSchema.safeParse(await res.json().catch(() => null)).data?.data;
    }
    // Without a session (cookie blocked) the public query still answers: read-only, but never stuck.
    fresh = await refresh(fresh);
    setChecking(false);
    setNotYetPaid((fresh ?? view).status === "pending");
  }

  async function simulate() {
    setSimulating(true);
    setSimulateError(false);
    const token = await getToken();
    const res = await fetch("/api/sandbox/pay", {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { [CSRF_HEADER]: token } : {}) },
      body: JSON.stringify({ order_id: orderId }),
    }).catch(() => null);
    const sent = res?.ok && sandboxPayResponseSchema.safeParse(await res.json().catch(() => null)).success;
    if (!sent) setSimulateError(true);
    else void refresh();
    setSimulating(false);
  }

  const t = props.text;
  const announcement = confirming
    ? t.statusConfirming
    : { pending: t.statusPending, paid: t.statusPaid, expired: t.statusExpired, closed: t.statusClosed }[view.status];
  const state: LiveState = {
    view,
    secondsLeft,
    confirming,
    text: t,
    sandbox: props.sandbox,
    checking,
    notYetPaid,
    recheck,
    simulating,
    simulateError,
    simulate,
  };
  return (
    <LiveContext.Provider value={state}>
      <p role="status" aria-live="polite" className="sr-only" data-testid="live-status">
        {announcement}
      </p>
      {!online && view.status === "pending" ? (
        // The held poll waits for the network and asks again the moment it is back; this goes away by itself then.
        <p
          role="status"
          className="mx-3 mb-3 mt-3 max-w-4xl rounded-xl border border-amber-400 bg-amber-50 px-4 py-3 text-sm text-amber-900 sm:mx-auto sm:mt-0 dark:border-amber-600 dark:bg-amber-950/60 dark:text-amber-100"
          data-testid="offline-banner"
        >
          {t.offlineBanner}
        </p>
      ) : null}
      {view.status === "pending" ? (
        children
      ) : (
        <ResultPanel
          view={view}
          merchantName={props.merchantName}
          timeoutUrl={props.timeoutUrl}
          shopHome={props.shopHome}
          text={t}
        />
      )}
    </LiveContext.Provider>
  );
}
