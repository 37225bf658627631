import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and Node-only drivers stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "pino", "qrcode"],
  poweredByHeader: false,
  // `/pay/*` sets its own frame-ancestors from the merchant's embed_origins (app/pay); everything else refuses framing.
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
    ];
  },
};

export default nextConfig;
