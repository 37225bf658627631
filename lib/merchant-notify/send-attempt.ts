import "server-only";
import type { Notification } from "@/lib/storage/records";
import { guardedRequest, UrlRefusedError, type UrlGuardPolicy } from "./url-guard";

/** What one delivery attempt came to; the dispatcher logs it on the attempt row and schedules from `delivered`. */
export interface AttemptOutcome {
  delivered: boolean;
  httpStatus: number | null;
  body: string | null;
  /** Transport failure or guard refusal (`refused: …`), null when the merchant answered. */
  error: string | null;
}

export interface SendDeps {
  /** How long the merchant has to answer one attempt. */
  timeoutMs: number;
  /** Which hosts this notification may reach besides public addresses (the merchant's allowed hosts). */
  policy: UrlGuardPolicy;
}

const BODY_LOG_LIMIT = 1024;

/**
 * Sends one notification as stored: a form POST (云端, PROTOCOLS §1.2) or a GET whose URL already carries the signed
 * query (epay §5, V免签 §6). Delivered only when the HTTP status is 2xx and the body, trimmed, is `success` — the
 * acknowledgement every one of these protocols uses. Never throws.
 */
export async function sendAttempt(n: Notification, deps: SendDeps): Promise<AttemptOutcome> {
  const get = n.method === "GET";
  try {
    const res = await guardedRequest({
      url: n.url,
      method: get ? "GET" : "POST",
      headers: get
        ? { "User-Agent": "Paydesk-Notify/1" }
        : { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "User-Agent": "Paydesk-Notify/1" },
      body: get ? undefined : n.body,
      timeoutMs: deps.timeoutMs,
      bodyLimit: BODY_LOG_LIMIT,
      policy: deps.policy,
    });
    const delivered = res.status >= 200 && res.status < 300 && res.body.trim().toLowerCase() === "success";
    return { delivered, httpStatus: res.status, body: res.body, error: null };
  } catch (err) {
    if (err instanceof UrlRefusedError) return { delivered: false, httpStatus: null, body: null, error: err.message };
    const e = err as Error & { code?: string };
    const error = e.name === "TimeoutError" ? e.message : (e.code ?? e.message);
    return { delivered: false, httpStatus: null, body: null, error };
  }
}
