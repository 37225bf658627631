import type { NextConfig } from "next";
import { API_CSP, FRAME_DENY, headersForEveryPath } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // One checkout can hold several builds side by side (a benchmark's and an e2e run's): PAYDESK_DIST_DIR names the
  // build folder for `next build` and for scripts/server.mjs alike, which read this same file.
  distDir: process.env.PAYDESK_DIST_DIR || ".next",
  // Native and Node-only drivers stay outside the server bundle.
  serverExternalPackages: [
    "better-sqlite3",
    "pg",
    "pino",
    "qrcode",
    "prom-client",
    "rate-limiter-flexible",
    "alipay-sdk",
  ],
  poweredByHeader: false,
  // forbidden() (HTTP 403) for a console operator opening another merchant's order. inlineCss: the stylesheet
  // travels in the first HTML (issue 23), so a payer on a slow phone network sees the QR a round trip sooner than
  // after a render-blocking CSS request sharing the line with the scripts.
  experimental: { authInterrupts: true, inlineCss: true },
  // Pages get their CSP (script nonce, per-merchant frame-ancestors on /pay/{id}) from proxy.ts; these are the
  // headers that never vary. HSTS is here too for the paths proxy.ts never sees (`/_next/static`, `/embed.js`) when
  // PAYDESK_BASE_URL is https where this runs (`next dev`, or the build); under `npm start` scripts/server-edge.mjs
  // sets it on every response from the running server's own PAYDESK_BASE_URL, whatever the build saw.
  async headers() {
    const common = headersForEveryPath(process.env.PAYDESK_BASE_URL ?? "");
    return [
      { source: "/:path*", headers: common },
      // Only `/pay/{id}` may be framed, and only by its merchant's embed_origins (proxy.ts).
      { source: "/((?!pay/).*)", headers: [FRAME_DENY] },
      { source: "/api/:path*", headers: [API_CSP] },
    ];
  },
};

export default nextConfig;
