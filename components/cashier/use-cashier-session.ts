"use client";

import { useEffect, useRef } from "react";
import { sessionResponseSchema } from "@/lib/cashier/payer-dtos";

/**
 * Fetches the payer's CSRF nonce once (POST /pay/{id}/session sets the sealed cookie). Resolves to null when the
 * cookie or the request is blocked: the page then stays read-only (polling still works, actions are refused).
 */
export function useCashierSession(orderId: string): () => Promise<string | null> {
  const pending = useRef<Promise<string | null> | null>(null);
  const start = () => {
    // Framed pages need the SameSite=None; Secure; Partitioned flavour of the cookie.
    const framed = window.parent !== window;
    pending.current ??= fetch(`/pay/${orderId}/session${framed ? "?framed=1" : ""}`, {
      method: "POST",
      credentials: "include",
    })
      .then(async (res) => (res.ok ? (sessionResponseSchema.safeParse(await res.json()).data?.token ?? null) : null))
      .catch(() => null);
    return pending.current;
  };
  useEffect(() => {
    void start();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one session per page load
  }, []);
  return start;
}
