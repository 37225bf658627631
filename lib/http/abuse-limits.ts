import "server-only";
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Limits } from "@/lib/config/limits";
import type { AppContext } from "@/lib/context";
import { clientIp, peerAddress } from "./client-ip";

/** The counters behind Paydesk's abuse limits (lib/config/limits.ts), all with one-minute windows. */
export interface AbuseLimiters {
  payerIp: RateLimiterAbstract;
  failedSignAppkey: RateLimiterAbstract;
  failedSignIp: RateLimiterAbstract;
  rejectedNotifyIp: RateLimiterAbstract;
  limits: Limits;
}

/** The limiters for this context's configuration (cached in storage per database and limits object). */
export function abuseLimiters(ctx: Pick<AppContext, "repos" | "config">): AbuseLimiters {
  const limits = ctx.config.limits;
  const make = (keyPrefix: string, points: number) =>
    ctx.repos.rateLimits.rateLimiter(limits, { keyPrefix, points, duration: 60 });
  return {
    payerIp: make("payer_ip", limits.payer_per_ip_per_minute),
    failedSignAppkey: make("bad_sign_appkey", limits.failed_signs_per_appkey_per_minute),
    failedSignIp: make("bad_sign_ip", limits.failed_signs_per_ip_per_minute),
    rejectedNotifyIp: make("bad_notify_ip", limits.rejected_notifies_per_ip_per_minute),
    limits,
  };
}

/** The address the per-IP limits count: the socket's, or as `proxy_hops` allows (lib/http/client-ip.ts). */
export function requestIp(ctx: Pick<AppContext, "config">, request: Request): string {
  return clientIp(request.headers, ctx.config.limits.proxy_hops, peerAddress(request));
}

/** Takes one point; false when the key is over its budget for this window. */
export async function consume(limiter: RateLimiterAbstract, key: string): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    // The store failed (and its insurance too): limits are a defence, not a reason to refuse a payment.
    return true;
  }
}

/** True when the key has already spent its budget in this window (reads without spending). */
export async function isOver(limiter: RateLimiterAbstract, key: string): Promise<boolean> {
  try {
    const res = await limiter.get(key);
    return res !== null && res.consumedPoints >= limiter.points;
  } catch {
    return false;
  }
}

/** Seconds until a key's window ends, for `Retry-After`. */
export const RETRY_AFTER_SECONDS = "60";

/**
 * The wrong-signature limits of the protocols whose handlers are not `merchantHandler` (epay, V免签), the same rules:
 * an IP over `failed_signs_per_ip_per_minute` is refused before its request is read (`signaturesRefused`); each wrong
 * signature counts against the IP and the merchant (`countWrongSignature`, true once either is over, so that answer
 * is 429: right signatures for the merchant from other IPs still pass, nobody can lock a shop out).
 */
export async function signaturesRefused(ctx: Pick<AppContext, "repos" | "config">, request: Request): Promise<boolean> {
  return isOver(abuseLimiters(ctx).failedSignIp, requestIp(ctx, request));
}

export async function countWrongSignature(
  ctx: Pick<AppContext, "repos" | "config" | "log">,
  request: Request,
  appkey: string | undefined,
): Promise<boolean> {
  const limiters = abuseLimiters(ctx);
  const ipOk = await consume(limiters.failedSignIp, requestIp(ctx, request));
  const keyOk = appkey ? await consume(limiters.failedSignAppkey, appkey) : true;
  if (!keyOk) ctx.log.warn({ appkey }, "wrong-signature budget of an appkey exhausted");
  return !ipOk || !keyOk;
}
