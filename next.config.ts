import type { NextConfig } from "next";
import { API_HEADERS, COMMON_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Native and Node-only drivers stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "pino", "qrcode", "prom-client", "rate-limiter-flexible"],
  poweredByHeader: false,
  // forbidden() (HTTP 403) for a console operator opening another merchant's order.
  experimental: { authInterrupts: true },
  // Pages get their CSP (script nonce, per-merchant frame-ancestors on /pay/{id}) and HSTS from proxy.ts; these
  // are the headers that never vary.
  async headers() {
    const common = [...COMMON_HEADERS];
    return [
      { source: "/:path*", headers: common },
      // Only `/pay/{id}` may be framed, and only by its merchant's embed_origins (proxy.ts).
      { source: "/((?!pay/).*)", headers: [{ key: "X-Frame-Options", value: "DENY" }] },
      {
        source: "/api/:path*",
        headers: API_HEADERS.filter((h) => h.key === "Content-Security-Policy"),
      },
    ];
  },
};

export default nextConfig;
