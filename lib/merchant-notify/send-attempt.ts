import "server-only";
import type { Notification } from "@/lib/storage/records";
import { guardedRequest, UrlRefusedError, type UrlGuardPolicy } from "@/lib/net/url-guard";
import { isNotifyAck, notificationProtocol } from "@/lib/merchant-api/registry";
import { diagnoseAttempt, type Diagnosis } from "./doctor";

/** What one delivery attempt came to; the dispatcher logs it on the attempt row and schedules from `delivered`. */
export interface AttemptOutcome {
  delivered: boolean;
  httpStatus: number | null;
  body: string | null;
  /** Transport failure or guard refusal (`refused: …`), null when the merchant answered. */
  error: string | null;
  /** Why it was not delivered (lib/merchant-notify/doctor.ts), null when delivered. */
  diagnosis: Diagnosis | null;
}

export interface SendDeps {
  /** How long the merchant has to answer one attempt. */
  timeoutMs: number;
  /** Which hosts this notification may reach besides public addresses (the merchant's allowed hosts). */
  policy: UrlGuardPolicy;
}

const BODY_LOG_LIMIT = 1024;

/**
 * Sends one notification as stored: a form POST (云端, docs/protocols/cloudpay.md#notify) or a GET whose URL already
 * carries the signed query (epay: docs/protocols/epay.md#notify-and-return, V免签:
 * docs/protocols/vmq.md#notify-and-return). Delivered only when the HTTP status is 2xx and the body is the protocol's
 * `success` acknowledgement (each protocol's `isAck`, asked through lib/merchant-api/registry.ts); otherwise the doctor names why. Never throws.
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
    // What counts as the acknowledgement is the protocol's rule (docs/notify-acks.md).
    const delivered = res.status >= 200 && res.status < 300 && isNotifyAck(notificationProtocol(n), res.body);
    const diagnosis = delivered
      ? null
      : diagnoseAttempt({ httpStatus: res.status, body: res.body, error: null, method: n.method });
    return { delivered, httpStatus: res.status, body: res.body, error: null, diagnosis };
  } catch (err) {
    if (err instanceof UrlRefusedError)
      return {
        delivered: false,
        httpStatus: null,
        body: null,
        error: err.message,
        diagnosis: diagnoseAttempt({ httpStatus: null, body: null, error: err.message, method: n.method }),
      };
    const e = err as Error & { code?: string };
    const error = e.name === "TimeoutError" ? e.message : (e.code ?? e.message);
    const diagnosis = diagnoseAttempt({ httpStatus: null, body: null, error, method: n.method });
    return { delivered: false, httpStatus: null, body: null, error, diagnosis };
  }
}
