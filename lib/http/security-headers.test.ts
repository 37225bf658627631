import { afterEach, describe, expect, it } from "vitest";
import nextConfig from "@/next.config";
import { createEdge } from "@/scripts/server-edge.mjs";
import { API_CSP, COMMON_HEADERS, FRAME_DENY, HSTS } from "./security-header-list.mjs";
import { hstsFor, newNonce, pageCsp } from "./security-headers";

describe("security headers", () => {
  it("a page CSP: scripts only with this response's nonce, object-src none, base-uri self, frame-ancestors as given", () => {
    const csp = pageCsp({ nonce: "abc123", frameAncestors: ["https://shop.example"], dev: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toMatch(/frame-ancestors https:\/\/shop\.example$/);
    expect(pageCsp({ nonce: "n", frameAncestors: [], dev: true })).toContain("frame-ancestors 'none'");
    expect(newNonce()).not.toBe(newNonce());
    expect(Buffer.from(newNonce(), "base64").length).toBe(16);
  });

  it("HSTS only when the base URL is https", () => {
    expect(hstsFor("https://pay.example")).toBe("max-age=31536000; includeSubDomains");
    expect(hstsFor("http://localhost:3000")).toBeNull();
  });

  describe("next.config.ts", () => {
    const saved = process.env.PAYDESK_BASE_URL;
    afterEach(() => {
      if (saved === undefined) delete process.env.PAYDESK_BASE_URL;
      else process.env.PAYDESK_BASE_URL = saved;
    });
    const hstsOnEveryPath = async () => {
      const rules = (await nextConfig.headers?.()) ?? [];
      const every = rules.find((r) => r.source === "/:path*");
      return every?.headers.find((h) => h.key === "Strict-Transport-Security")?.value ?? null;
    };

    it("puts HSTS on every path under https, /_next/static and /embed.js included (proxy.ts never sees them)", async () => {
      process.env.PAYDESK_BASE_URL = "https://pay.example";
      expect(await hstsOnEveryPath()).toBe("max-age=31536000; includeSubDomains");
      process.env.PAYDESK_BASE_URL = "http://localhost:3000";
      expect(await hstsOnEveryPath()).toBeNull();
    });
  });

  it("one list: next.config.ts and the production edge send the list's values", async () => {
    const saved = process.env.PAYDESK_BASE_URL;
    process.env.PAYDESK_BASE_URL = "https://pay.example";
    try {
      const rules = (await nextConfig.headers?.()) ?? [];
      const on = (source: string) => rules.find((r) => r.source === source)?.headers ?? [];
      expect(on("/:path*")).toEqual([...COMMON_HEADERS, { key: "Strict-Transport-Security", value: HSTS }]);
      expect(on("/((?!pay/).*)")).toEqual([FRAME_DENY]);
      expect(on("/api/:path*")).toEqual([API_CSP]);
    } finally {
      if (saved === undefined) delete process.env.PAYDESK_BASE_URL;
      else process.env.PAYDESK_BASE_URL = saved;
    }
    // The edge: HSTS on every answer under https, nosniff on what it refuses itself.
    const set = new Map<string, string>();
    const res = {
      setHeader: (k: string, v: string) => set.set(k.toLowerCase(), v),
      writeHead: (_status: number, headers: Record<string, string>) => {
        for (const [k, v] of Object.entries(headers)) set.set(k.toLowerCase(), v);
      },
      end: () => undefined,
    };
    const req = { url: "/%zz", method: "GET", headers: {}, socket: { remoteAddress: "203.0.113.9" } };
    const edge = createEdge({ baseUrl: "https://pay.example" });
    expect(edge(req as never, res as never)).toBe(true);
    expect(set.get("strict-transport-security")).toBe(HSTS);
    expect(set.get("x-content-type-options")).toBe("nosniff");
  });
});
