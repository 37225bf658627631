import { afterEach, describe, expect, it } from "vitest";
import { clientIp, EDGE_MARK, PEER_HEADER, peerAddress, rememberPeer } from "./client-ip";

const h = (init: Record<string, string>) => new Headers(init);
const SOCKET = "198.51.100.20";

describe("client IP", () => {
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[EDGE_MARK];
  });

  it("with no proxy configured it is the socket address: X-Forwarded-For and X-Real-IP are never read", () => {
    expect(clientIp(h({ "x-forwarded-for": "1.1.1.1" }), 0, SOCKET)).toBe(SOCKET);
    expect(clientIp(h({ "x-real-ip": "1.1.1.1" }), 0, SOCKET)).toBe(SOCKET);
    expect(clientIp(h({ "x-forwarded-for": "1.1.1.1, 2.2.2.2", "x-real-ip": "3.3.3.3" }), 0, SOCKET)).toBe(SOCKET);
    expect(clientIp(h({}), 0, SOCKET)).toBe(SOCKET);
    expect(clientIp(h({}), 0, "::ffff:203.0.113.5")).toBe("203.0.113.5");
  });

  it("with proxy_hops N it is the Nth address from the right after appending the socket address", () => {
    // nginx: X-Forwarded-For = what the client sent + the address nginx saw; the socket is nginx.
    const xff = h({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" });
    expect(clientIp(xff, 1, "10.0.0.2")).toBe("203.0.113.9");
    // Two proxies (CDN → nginx → Paydesk): the CDN appended the client, nginx appended the CDN.
    expect(clientIp(h({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 192.0.2.44" }), 2, "10.0.0.2")).toBe("203.0.113.9");
    // X-Real-IP alike: one proxy's view of its peer.
    expect(clientIp(h({ "x-real-ip": "203.0.113.9" }), 1, "10.0.0.2")).toBe("203.0.113.9");
    // A request that skipped the proxy carries no chain: the socket address.
    expect(clientIp(h({}), 1, SOCKET)).toBe(SOCKET);
    // Ports and brackets some proxies add do not make new clients.
    expect(clientIp(h({ "x-forwarded-for": "203.0.113.9:5123" }), 1, "10.0.0.2")).toBe("203.0.113.9");
    expect(clientIp(h({ "x-forwarded-for": "[2001:db8::1]:443" }), 1, "10.0.0.2")).toBe("2001:db8::1");
  });

  it("believes the server's peer header only when scripts/server.mjs is in front; the fast lane's own address always", () => {
    const spoofed = new Request("http://x/", { headers: { [PEER_HEADER]: "9.9.9.9" } });
    expect(peerAddress(spoofed)).toBeUndefined();
    (globalThis as Record<symbol, unknown>)[EDGE_MARK] = true;
    expect(peerAddress(spoofed)).toBe("9.9.9.9");
    const lane = new Request("http://x/", { headers: { [PEER_HEADER]: "9.9.9.9" } });
    rememberPeer(lane, SOCKET);
    expect(peerAddress(lane)).toBe(SOCKET);
  });

  it("without any socket address (next dev, no server in front) falls back to the rightmost X-Forwarded-For", () => {
    expect(clientIp(h({ "x-forwarded-for": "1.1.1.1, 2.2.2.2" }), 0, undefined)).toBe("2.2.2.2");
    expect(clientIp(h({}), 0, undefined)).toBe("unknown");
  });
});
