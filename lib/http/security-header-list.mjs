/**
 * The one list of Paydesk's fixed security headers, read by all three places that set them: Next.js's routes
 * (next.config.ts `headers()`), the pages' proxy and the fast lane (through lib/http/security-headers.ts), and the
 * production server's edge (scripts/server-edge.mjs, which sets HSTS on every response and nosniff on its refusals).
 * Plain JavaScript with a declaration file beside it, because the edge runs under plain Node outside Next's bundle of
 * lib/ (as scripts/build-freshness.mjs). Headers that vary per response (a page's CSP with its nonce and
 * frame-ancestors) are built in lib/http/security-headers.ts. Nothing may change these objects (the declaration file
 * types them read-only).
 */

/** HSTS: a year, subdomains included. Sent only when Paydesk is served over https (`hstsFor`). */
export const HSTS = "max-age=31536000; includeSubDomains";

/** HSTS only when Paydesk is served over https: on plain http the header is ignored and would only mislead. */
export function hstsFor(baseUrl) {
  return baseUrl.startsWith("https:") ? HSTS : null;
}

export const NOSNIFF = { key: "X-Content-Type-Options", value: "nosniff" };

/** The headers every response carries. */
export const COMMON_HEADERS = [
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  NOSNIFF,
  // The cashier needs none of these; a framed page must not be able to ask for them either.
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** Everything but `/pay/{id}` (framed only by its merchant's embed_origins, proxy.ts) refuses to be framed. */
export const FRAME_DENY = { key: "X-Frame-Options", value: "DENY" };

/** An API answer's policy: it loads nothing and is never framed. */
export const API_CSP = { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" };

/** What an API answer adds to COMMON_HEADERS. */
export const API_HEADERS = [FRAME_DENY, API_CSP];
