import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signatures of the alert sinks (docs/alerts.md): Paydesk's own webhook header, and 钉钉's robot 加签.
 */

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`: the timestamp is signed, so a replay is datable. */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", secret).update(`${unixSeconds}.${body}`, "utf8").digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}

/**
 * Checks a webhook signature header as a receiver should (the Node sample of docs/alerts.md): the HMAC matches and the
 * timestamp is within `toleranceS` of `nowS`.
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  nowS: number,
  toleranceS = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS || typeof parts.v1 !== "string") return false;
  const expected = Buffer.from(webhookSignature(secret, body, t).split("v1=")[1] ?? "", "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * 钉钉 custom robot 加签: `sign = urlEncode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret)))`, timestamp in
 * milliseconds; the robot refuses a timestamp more than an hour from its clock. Returns the query to append.
 */
export function dingtalkSignedQuery(secret: string, timestampMs: number): string {
  const sign = createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
  return `timestamp=${timestampMs}&sign=${encodeURIComponent(sign)}`;
}
