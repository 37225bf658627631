import { describe, expect, it } from "vitest";
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
});
