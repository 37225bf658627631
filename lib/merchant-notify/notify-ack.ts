import type { Notification } from "@/lib/storage/records";

/**
 * Which answers of a shop count as "delivered", per merchant protocol (the rules and the evidence behind them:
 * docs/notify-acks.md). Each protocol's shops were written against one platform's check, so Paydesk accepts at least
 * what that platform accepted — a shop that worked there must not be retried forever here — and refuses what it
 * refused only where accepting would be a guess.
 */
export type NotifyProtocol = "cloudpay" | "epay" | "vmq";

/** U+FEFF at the start of a body: PHP files saved "UTF-8 with BOM" print it before anything they echo. */
const BOM = "\uFEFF";

/** The body with a leading BOM and surrounding whitespace removed (String#trim also removes U+FEFF). */
export function bareAck(body: string): string {
  return body.replace(/^\uFEFF+/, "").trim();
}

/** `success` as a whole word, any case: 彩虹易支付's do_notify looks for it anywhere in the answer. */
const SUCCESS_WORD = /(?:^|[^a-z0-9_])success(?:$|[^a-z0-9_])/i;

/**
 * True when `body` (with a 2xx status) acknowledges the notification under `protocol`'s rule:
 * - cloudpay and vmq: the body is `success`, any case, once a BOM and surrounding whitespace are removed;
 * - epay: the body contains the word `success` in any case (as 彩虹易支付 and its clones check with strpos), so
 *   `success` after a PHP notice or inside a tiny HTML page counts; `unsuccessful` does not.
 */
export function isNotifyAck(protocol: NotifyProtocol, body: string): boolean {
  if (protocol === "epay") return SUCCESS_WORD.test(body);
  return bareAck(body).toLowerCase() === "success";
}

/**
 * The protocol a stored notification speaks, read from its own shape (the outbox row has no protocol column, and the
 * shapes are Paydesk's own, lib/merchant-api): 云端 is the only form POST; an epay notify's signed query always carries
 * `trade_status`; a V免签 notify's carries `reallyPrice`.
 */
export function notificationProtocol(n: Pick<Notification, "method" | "url">): NotifyProtocol {
  if (n.method === "POST") return "cloudpay";
  const query = URL.parse(n.url)?.searchParams;
  if (query?.has("trade_status")) return "epay";
  return "vmq";
}

export { BOM };
