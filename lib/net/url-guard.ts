import "server-only";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";

/**
 * The SSRF guard for every URL a merchant protocol lets a request supply (epay's `notify_url`/`return_url`, V免签's
 * `notifyUrl`/`returnUrl`). Two layers:
 * - on input, `requestUrlProblem` accepts only absolute http(s) URLs without credentials;
 * - at send time, `guardedRequest` refuses to connect to loopback, private, link-local, shared (CGNAT, which holds
 *   Alibaba Cloud's metadata address 100.100.100.200) and other special addresses. It checks the address the
 *   connection is actually made to (inside the socket's DNS lookup), so a name that resolved to a public address when
 *   the order was made and to 127.0.0.1 now (DNS rebinding) is refused too.
 * A host the operator listed (`UrlGuardPolicy.allowedHosts`) skips the address check: that is how a shop on the same
 * machine or network (and 127.0.0.1 for local testing) is reached on purpose.
 */

/** What one send may reach besides public addresses. Host names compare case-insensitively, `host` or `host:port`. */
export interface UrlGuardPolicy {
  allowedHosts: readonly string[];
}

/** The connection was refused by the guard (not by the remote side). `message` says why, for the attempt log. */
export class UrlRefusedError extends Error {
  readonly code = "PAYDESK_URL_REFUSED";
  constructor(reason: string) {
    super(`refused: ${reason}`);
    this.name = "UrlRefusedError";
  }
}

const MAX_URL_LENGTH = 2048;

/** Checks a URL a request supplied; returns a reason (Chinese, for the shop's error message) or null when usable. */
export function requestUrlProblem(raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH) return "地址过长";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "不是有效的网址";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "只支持 http 或 https 地址";
  if (!url.hostname) return "缺少主机名";
  if (url.username || url.password) return "地址不能包含用户名或密码";
  return null;
}

const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(prefix, bits, "ipv4");
for (const [prefix, bits] of [
  // IPv4-compatible (::a.b.c.d, deprecated by RFC 4291; :: and ::1 included): never a real destination, and some
  // stacks still route it to the embedded IPv4 address.
  ["::", 96],
  // IPv4-translated (::ffff:0:a.b.c.d, SIIT) reaches the embedded IPv4 address through a translator.
  ["::ffff:0:0:0", 96],
  // NAT64 local-use prefix (RFC 8215): an operator's own translator, which puts the IPv4 address anywhere inside.
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 32],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(prefix, bits, "ipv6");

/** The eight 16-bit groups of an IPv6 address (with or without an embedded dotted quad). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

function v4FromGroups(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
}

/** True for an address a merchant-supplied URL must not reach (IPv4 or IPv6, including v4 inside v6). */
export function isForbiddenAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return blocked.check(ip, "ipv4");
  if (family !== 6) return true;
  if (blocked.check(ip, "ipv6")) return true;
  const g = ipv6Groups(ip.toLowerCase());
  // IPv4 carried inside IPv6 reaches the IPv4 address: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16).
  // (IPv4-compatible ::/96 and IPv4-translated ::ffff:0:0:0/96 are refused outright by the block list above.)
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return isForbiddenAddress(v4FromGroups(g[6]!, g[7]!));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return isForbiddenAddress(v4FromGroups(g[6]!, g[7]!));
  if (g[0] === 0x2002) return isForbiddenAddress(v4FromGroups(g[1]!, g[2]!));
  return false;
}

/** Whether the operator listed this URL's host (`allowed_hosts`), which lifts the address check for it. */
export function hostAllowed(url: URL, policy: UrlGuardPolicy): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const withPort = url.port ? `${host}:${url.port}` : host;
  return policy.allowedHosts.some((entry) => {
    const e = entry.toLowerCase().replace(/^\[|\]$/g, "");
    return e === host || e === withPort || e === url.host.toLowerCase();
  });
}

/**
 * `localhost` and every name under it (RFC 6761: they are loopback by definition, and resolvers such as
 * systemd-resolved answer them without asking DNS), with or without the root's trailing dot.
 */
function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.+$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

/**
 * What can be told about a URL before any DNS lookup: true when its host is a forbidden literal address (or
 * `localhost`) that the policy does not list. Lets a protocol refuse such a URL when the order is made, with a clear
 * message; the send-time check stays the real defence (names are only resolved then). The WHATWG parser has already
 * turned every IPv4 shorthand (`127.1`, `0x7f.1`, `2130706433`, `0177.0.0.1`, `0`) into a dotted quad and the
 * embedded-IPv4 IPv6 forms into hex groups, so the literal check sees the address the socket would connect to.
 */
export function obviouslyPrivate(raw: string, policy: UrlGuardPolicy): boolean {
  const url = URL.parse(raw);
  if (!url || hostAllowed(url, policy)) return false;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return isLocalhostName(host) || (net.isIP(host) !== 0 && isForbiddenAddress(host));
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** A socket lookup that resolves as usual, then refuses when any resolved address is forbidden. */
function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad)
      return callback(
        new UrlRefusedError(`${hostname} resolves to ${bad.address}`) as unknown as NodeJS.ErrnoException,
        [],
      );
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
    callback(null, first.address, first.family);
  });
}

export interface GuardedRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** At most this many characters of the answer are read (the attempt log keeps the first 1 KB). */
  bodyLimit: number;
  policy: UrlGuardPolicy;
}

export interface GuardedResponse {
  status: number;
  body: string;
}

/** A timed-out send, named like fetch's so callers word the attempt log the same way. */
export class SendTimeoutError extends Error {
  constructor(ms: number) {
    super(`timeout after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * One HTTP request through the guard: no redirects followed (a 3xx is the merchant's answer, not a new URL to fetch),
 * a fresh connection each time (a pooled socket would skip the lookup check), a hard timeout.
 */
export function guardedRequest(r: GuardedRequest): Promise<GuardedResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(r.url);
    } catch {
      return reject(new UrlRefusedError("not a valid URL"));
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      return reject(new UrlRefusedError(`scheme ${url.protocol}`));
    const allowed = hostAllowed(url, r.policy);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // Sockets skip the lookup for a literal IP, so literals are checked here (names: in the lookup, whatever the
    // resolver answers for them, `localhost` included).
    if (!allowed && net.isIP(host) && isForbiddenAddress(host)) return reject(new UrlRefusedError(`address ${host}`));
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(
      url,
      {
        method: r.method,
        headers: {
          ...r.headers,
          ...(r.body !== undefined ? { "Content-Length": String(Buffer.byteLength(r.body)) } : {}),
        },
        agent: false,
        lookup: allowed ? undefined : (guardedLookup as unknown as net.LookupFunction),
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          if (text.length >= r.bodyLimit) res.destroy();
        });
        const done = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: text.slice(0, r.bodyLimit) });
        };
        res.on("end", done);
        res.on("close", done);
      },
    );
    const timer = setTimeout(() => req.destroy(new SendTimeoutError(r.timeoutMs)), r.timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(r.body);
  });
}
