import { randomBytes } from "node:crypto";
import { COMMON_HEADERS, hstsFor } from "./security-header-list.mjs";

// The fixed headers live in one list that next.config.ts, proxy.ts, the fast lane and scripts/server-edge.mjs all
// read; this module adds the per-response ones (a page's CSP and nonce).
export { API_CSP, API_HEADERS, COMMON_HEADERS, FRAME_DENY, hstsFor } from "./security-header-list.mjs";

/** A fresh, unguessable nonce per document response (128 bits). */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export interface PagePolicy {
  nonce: string;
  /** Origins allowed to frame the page (a cashier page's merchant `embed_origins`); empty = nobody. */
  frameAncestors: string[];
  /** `next dev` needs eval for its tooling; never in production. */
  dev: boolean;
}

/**
 * The Content-Security-Policy of every page. Scripts run only with this response's nonce (Next.js puts it on its
 * own scripts when it finds the policy on the request); `'strict-dynamic'` lets them load their chunks, and older
 * webviews that ignore it fall back to `'self'`. Styles allow inline attributes (the QR and countdown set sizes),
 * which cannot run code. Images include `data:`/`blob:` for QR renderings; forms post only to Paydesk.
 */
export function pageCsp(p: PagePolicy): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${p.nonce}' 'strict-dynamic'${p.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${p.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${p.frameAncestors.length ? p.frameAncestors.join(" ") : "'none'"}`,
  ].join("; ");
}

/**
 * COMMON_HEADERS plus HSTS when `baseUrl` is https: what next.config.ts puts on every path, static files included
 * (proxy.ts, which sets HSTS on pages and API routes, never sees `/_next/static` or `/embed.js`).
 */
export function headersForEveryPath(baseUrl: string): Array<{ key: string; value: string }> {
  const hsts = hstsFor(baseUrl);
  return [...COMMON_HEADERS, ...(hsts ? [{ key: "Strict-Transport-Security", value: hsts }] : [])];
}
