import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and Node-only drivers stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "pino", "qrcode", "prom-client", "rate-limiter-flexible"],
  poweredByHeader: false,
  // forbidden() (HTTP 403) for a console operator opening another merchant's order.
  experimental: { authInterrupts: true },
  // Pages get their CSP (script nonce, per-merchant frame-ancestors on /pay/{id}) and HSTS from proxy.ts; these
  // are the headers that never vary.
  async headers() {
    const common = [
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "X-Content-Type-Options", value: "nosniff" },
      // The cashier needs none of these; a framed page must not be able to ask for them either.
      { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
    ];
    return [
      { source: "/:path*", headers: common },
      // Only `/pay/{id}` may be framed, and only by its merchant's embed_origins (proxy.ts).
      { source: "/((?!pay/).*)", headers: [{ key: "X-Frame-Options", value: "DENY" }] },
      {
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      },
    ];
  },
};

export default nextConfig;
