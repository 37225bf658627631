/**
 * The client address of a request, for the per-IP limits. The only address nobody can forge is the socket's peer;
 * headers are believed only as far as the operator says proxies stand in front (`limits.proxy_hops`):
 * - `proxy_hops: 0` (the default): the socket address, whatever `X-Forwarded-For` or `X-Real-IP` say;
 * - `proxy_hops: N`: the forwarded chain (`X-Forwarded-For`, else `X-Real-IP`) with the socket address appended, and
 *   the entry N places from the right: the address the outermost trusted proxy saw.
 *
 * Where the socket address comes from: the fast lane (lib/http/fast-lane.ts) holds the socket and hands its address
 * over with `rememberPeer`. Next.js route handlers get no socket, so scripts/server.mjs (scripts/server-edge.mjs)
 * overwrites `PEER_HEADER` on every request from the socket before Next sees it, and marks the process (`EDGE_MARK`);
 * the header is believed only under that mark, since without the server in front (`next dev`) a client could send it.
 * There, the last resort is the rightmost `X-Forwarded-For` entry, which Next.js fills from the socket when the client
 * sent none (a development setup, not a defence).
 */

/** The header scripts/server.mjs sets from the socket on every request it hands to Next.js (a client's is replaced). */
export const PEER_HEADER = "x-paydesk-peer";

/** Set on globalThis by scripts/server-edge.mjs: every request in this process has passed it (PEER_HEADER is its). */
export const EDGE_MARK = Symbol.for("paydesk.edgeSetsPeer");

const peers = new WeakMap<Request, string>();

/** The fast lane's way to give a request its socket address (no header involved, so nothing to forge). */
export function rememberPeer(request: Request, address: string | undefined): void {
  if (address) peers.set(request, address);
}

function edgeInFront(): boolean {
  return (globalThis as Record<symbol, unknown>)[EDGE_MARK] === true;
}

/** The socket address of the request's connection, when Paydesk can know it. */
export function peerAddress(request: Request): string | undefined {
  const known = peers.get(request);
  if (known) return known;
  if (!edgeInFront()) return undefined;
  return request.headers.get(PEER_HEADER)?.trim() || undefined;
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[::1]:80` → `::1`, `::ffff:1.2.3.4` → `1.2.3.4` (the same client), at most 64 chars. */
function normalize(entry: string): string {
  let ip = entry.trim();
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1] ?? "";
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(":"));
  return ip
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "")
    .slice(0, 64);
}

/** What proxies wrote, left to right: `X-Forwarded-For`, or else `X-Real-IP` (one proxy's view), else nothing. */
function forwardedChain(headers: Headers): string[] {
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map(normalize).filter(Boolean);
  if (forwarded.length) return forwarded;
  const real = normalize(headers.get("x-real-ip") ?? "");
  return real ? [real] : [];
}

/**
 * The client address for `proxyHops` trusted proxies, given the socket address `peer` (undefined only when Paydesk
 * cannot know it: see the module comment). With a peer and no proxies, headers are never read.
 */
export function clientIp(headers: Headers, proxyHops: number, peer: string | undefined): string {
  const chain = peer === undefined ? forwardedChain(headers) : proxyHops > 0 ? forwardedChain(headers) : [];
  if (peer !== undefined) chain.push(normalize(peer));
  // Fewer entries than hops: the request skipped a proxy (or came straight in); the leftmost is the best there is.
  return chain[Math.max(0, chain.length - 1 - proxyHops)] || "unknown";
}
