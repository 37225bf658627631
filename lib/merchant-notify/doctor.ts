import { bareAck } from "@/lib/merchant-api/protocol";

/**
 * The notification doctor: names why an attempt to reach a shop failed, so an operator reads "the shop's CDN shows
 * a challenge page" instead of "HTTP 403". Pure: it looks only at what the attempt saw (transport error code, HTTP
 * status, the first 1 KB of the body). Every class has a fix hint in lib/merchant-notify/doctor-hints.ts; the class is stored
 * on the attempt row (migration 013) and counted in paydesk_notification_failures_total{class}.
 */
export const DOCTOR_CLASSES = [
  "dns",
  "refused",
  "timeout",
  "tls_expired",
  "tls_self_signed",
  "tls_wrong_host",
  "tls_other",
  "redirect",
  "not_found_or_method",
  "waf_challenge",
  "server_error",
  "client_error",
  "bad_ack",
  "url_refused",
  "other",
] as const;
export type DoctorClass = (typeof DOCTOR_CLASSES)[number];

/** What a 200 that is not the acknowledgement looked like. */
export type BadAckReason = "empty" | "bom" | "whitespace" | "case" | "html" | "json" | "fail" | "text";

export interface Diagnosis {
  class: DoctorClass;
  /**
   * A finer reason where one helps the fix: for bad_ack its BadAckReason, for waf_challenge the vendor recognised,
   * for HTTP classes the status, for transport classes the error code.
   */
  detail: string | null;
}

/** What one failed attempt saw (AttemptOutcome of send-attempt.ts, plus how it was sent). */
export interface FailedAttempt {
  httpStatus: number | null;
  body: string | null;
  /** Transport error code or message (`ENOTFOUND`, `timeout after 10000 ms`, `refused: …`), null if answered. */
  error: string | null;
  method: "GET" | "POST";
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME"]);
// A reset or a closed socket before any answer is, for the operator, the same fix as a refusal: nothing listens (or
// a firewall cuts Paydesk off) at that address and port.
const REFUSED_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT"]);
const TLS_EXPIRED = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
const TLS_SELF_SIGNED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
]);
const TLS_WRONG_HOST = new Set(["ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH"]);

/**
 * Challenge and block pages of the CDNs and WAFs Chinese shops sit behind, by a marker their pages carry. A page
 * matching one of these with 403/429/503 is the WAF refusing a server-to-server call, never the shop's own answer.
 */
const WAF_MARKERS: ReadonlyArray<readonly [vendor: string, marker: RegExp]> = [
  ["cloudflare", /just a moment|cf-chl|challenge-platform|cf_chl_opt|attention required! \| cloudflare|cf-ray/i],
  ["baota", /宝塔|btwaf|bt\.cn|网站防火墙/i],
  ["aliyun", /aliyun|阿里云|errors\.aliyun|_waf_|tengine.*waf/i],
  ["tencent", /腾讯云|tencent|t-sec|waf\.tencent-cloud|qcloud/i],
  ["safedog", /safedog|安全狗/i],
  ["safeline", /safeline|长亭|雷池/i],
  ["yunjiasu", /yunjiasu|百度云加速|创宇盾|yunaq|知道创宇/i],
  ["360", /360wzws|360网站卫士|wangzhan\.360/i],
  ["generic", /captcha|人机验证|访问被拦截|请求已被拦截|access denied|request blocked|web application firewall/i],
];

function wafVendor(body: string): string | null {
  for (const [vendor, marker] of WAF_MARKERS) if (marker.test(body)) return vendor;
  return null;
}

/** Why a 2xx body is not `success` (checked after the protocol's own rule refused it). */
export function badAckReason(body: string): BadAckReason {
  const bare = bareAck(body);
  if (bare === "") return "empty";
  if (bare.toLowerCase() === "success") {
    if (body.startsWith("\uFEFF")) return "bom";
    if (bare !== body) return "whitespace";
    return "case";
  }
  if (/^<(?:!doctype|html|head|body|\?xml)|<\/(?:html|body|div|p)>/i.test(bare)) return "html";
  if (/^[[{]/.test(bare)) return "json";
  if (/^(?:fail|failed|failure|error|false|no|sign error|签名错误|验签失败)\b/i.test(bare)) return "fail";
  return "text";
}

function transportClass(error: string): Diagnosis {
  if (error.startsWith("refused:")) return { class: "url_refused", detail: null };
  if (error.startsWith("timeout")) return { class: "timeout", detail: null };
  const code = error.trim();
  if (DNS_CODES.has(code)) return { class: "dns", detail: code };
  if (REFUSED_CODES.has(code)) return { class: "refused", detail: code };
  if (TIMEOUT_CODES.has(code)) return { class: "timeout", detail: code };
  if (TLS_EXPIRED.has(code)) return { class: "tls_expired", detail: code };
  if (TLS_SELF_SIGNED.has(code)) return { class: "tls_self_signed", detail: code };
  if (TLS_WRONG_HOST.has(code)) return { class: "tls_wrong_host", detail: code };
  if (/CERT|TLS|SSL/i.test(code)) return { class: "tls_other", detail: code };
  if (/socket hang up/i.test(code)) return { class: "refused", detail: "ECONNRESET" };
  return { class: "other", detail: code.slice(0, 40) };
}

/**
 * Classifies one attempt that was not delivered. No protocol is asked: every protocol's failure looks the same on the
 * wire (whether a 2xx body was an acknowledgement is each protocol's `isAck`, decided before the doctor is called).
 */
export function diagnoseAttempt(a: FailedAttempt): Diagnosis {
  if (a.httpStatus === null) return transportClass(a.error ?? "unknown");
  const status = a.httpStatus;
  const body = a.body ?? "";
  if (status >= 300 && status < 400) return { class: "redirect", detail: String(status) };
  if (status === 404 || status === 405) return { class: "not_found_or_method", detail: `${status} ${a.method}` };
  if (status === 403 || status === 429 || status === 503) {
    const vendor = wafVendor(body);
    if (vendor) return { class: "waf_challenge", detail: vendor };
  }
  if (status >= 500) return { class: "server_error", detail: String(status) };
  if (status >= 400) return { class: "client_error", detail: String(status) };
  if (status >= 200 && status < 300) return { class: "bad_ack", detail: badAckReason(body) };
  return { class: "other", detail: String(status) };
}

/** How a diagnosis is stored on the attempt row: `class` or `class:detail` (at most 48 characters). */
export function doctorCode(d: Diagnosis): string {
  return (d.detail ? `${d.class}:${d.detail}` : d.class).slice(0, 48);
}

/** Reads a stored code back (an unknown class, e.g. from a newer version, reads as `other`). */
export function parseDoctorCode(code: string | null | undefined): Diagnosis | null {
  if (!code) return null;
  const i = code.indexOf(":");
  const cls = i < 0 ? code : code.slice(0, i);
  const detail = i < 0 ? null : code.slice(i + 1);
  return (DOCTOR_CLASSES as readonly string[]).includes(cls)
    ? { class: cls as DoctorClass, detail }
    : { class: "other", detail: code };
}
