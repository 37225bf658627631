/**
 * The client address of a request. Next.js hands route handlers no socket, only headers: it sets `X-Forwarded-For` to
 * the socket address when the request has none, and each reverse proxy appends the address it saw. The entry
 * `proxyHops` places from the right is therefore the first one a trusted party wrote (0 hops: the rightmost).
 */
export function clientIp(headers: Headers, proxyHops: number): string {
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const picked = forwarded[Math.max(0, forwarded.length - 1 - proxyHops)] ?? headers.get("x-real-ip") ?? "unknown";
  // IPv4-mapped IPv6 and plain IPv4 are the same client.
  return picked.replace(/^::ffff:/, "").slice(0, 64);
}
