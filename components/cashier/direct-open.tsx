"use client";

import { useEffect } from "react";

/**
 * Inside the wallet's own app (Alipay webview for Alipay codes, QQ for QQ-wallet codes) the code URL pays directly, so
 * the page goes there at once, once per tab: coming back must show the page, not bounce into the wallet again.
 */
export function DirectOpen({ href, orderId }: { href: string; orderId: string }) {
  useEffect(() => {
    const key = `paydesk:direct:${orderId}`;
    try {
      if (sessionStorage.getItem(key)) return;
      sessionStorage.setItem(key, "1");
    } catch {
      // No storage: still go once per page load.
    }
    window.location.assign(href);
  }, [href, orderId]);
  return null;
}
