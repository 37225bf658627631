import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and Node-only drivers stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "pino", "qrcode"],
  poweredByHeader: false,
  // forbidden() (HTTP 403) for a console operator opening another merchant's order.
  experimental: { authInterrupts: true },
  // `/pay/{id}` gets its frame-ancestors from the merchant's embed_origins (proxy.ts); everything else refuses framing.
  async headers() {
    return [
      {
        source: "/((?!pay/).*)",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
        ],
      },
      {
        source: "/pay/:path*",
        headers: [
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
        ],
      },
    ];
  },
};

export default nextConfig;
