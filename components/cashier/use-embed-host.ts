"use client";

import { useCallback, useEffect, useState } from "react";
import { pickHostOrigin, type PaydeskMessageBody } from "@/lib/cashier/embed-protocol";

interface EmbedHost {
  /** True when the page runs inside a frame (whoever the parent is). */
  framed: boolean;
  /** Posts to the parent, only when its origin is one of the merchant's embed origins. */
  post: (message: PaydeskMessageBody) => void;
}

/** The framed page's side of the postMessage protocol (lib/cashier/embed-protocol.ts): ready, resize, and a sender. */
export function useEmbedHost(orderId: string, allowed: string[]): EmbedHost {
  const [host, setHost] = useState<{ framed: boolean; origin: string | null }>({ framed: false, origin: null });

  useEffect(() => {
    if (window.parent === window) return;
    const announced = new URLSearchParams(window.location.search).get("origin");
    const ancestor = window.location.ancestorOrigins?.[0];
    // eslint-disable-next-line react-hooks/set-state-in-effect -- framing is known only in the browser, after hydration
    setHost({ framed: true, origin: pickHostOrigin([announced, ancestor, document.referrer], allowed) });
  }, [allowed]);

  const post = useCallback(
    (message: PaydeskMessageBody) => {
      if (host.origin) window.parent.postMessage({ source: "paydesk", order_id: orderId, ...message }, host.origin);
    },
    [host.origin, orderId],
  );

  useEffect(() => {
    const root = document.getElementById("paydesk-root");
    if (!host.origin || !root) return;
    const height = () => Math.ceil(root.getBoundingClientRect().height);
    post({ type: "ready", height: height() });
    const observer = new ResizeObserver(() => post({ type: "resize", height: height() }));
    observer.observe(root);
    return () => observer.disconnect();
  }, [host.origin, post]);

  return { framed: host.framed, post };
}
