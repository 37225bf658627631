"use client";

import { useEffect, useRef, useState } from "react";

/**
 * Seconds left, from the server's expiry and the server's clock at render time; only elapsed time is measured on the
 * client (with the monotonic clock), so a wrong phone clock cannot make an order look expired.
 */
export function useCountdown(expiresAt: number, serverNow: number): number {
  const mountedAt = useRef<number | null>(null);
  const initial = Math.max(0, Math.ceil((expiresAt - serverNow) / 1000));
  const [left, setLeft] = useState(initial);
  useEffect(() => {
    mountedAt.current ??= performance.now();
    const tick = () => {
      const elapsed = performance.now() - (mountedAt.current ?? performance.now());
      setLeft(Math.max(0, Math.ceil((expiresAt - serverNow - elapsed) / 1000)));
    };
    tick();
    const id = setInterval(tick, 250);
    return () => clearInterval(id);
  }, [expiresAt, serverNow]);
  return left;
}
