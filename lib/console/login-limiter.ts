import "server-only";
import type { AppContext } from "@/lib/context";
import type { LoginFailureFacts } from "@/lib/storage/console-sessions-repo";

/**
 * The console login throttle. Failed logins are rows (`console_login_failures`), so every instance counts them.
 * Three counters, chosen so that guessing is slow but the owner is never locked out from a clean address:
 *  - per (user name, address): a handful of failures blocks that pair quickly;
 *  - per address (any name): a wider limit, since an office shares one address;
 *  - per user name (all addresses): never blocks by itself. Once the name has had several failures in the last
 *    hour (it is being guessed), an address that has itself failed on that name in that hour waits a back-off
 *    (doubling with each failure on the name, from the address's own last failure, capped). An address that has
 *    not failed on the name is not slowed at all, so the owner with the right password from a clean address
 *    always gets in, however many addresses are guessing.
 */
export interface LoginPolicy {
  /** Failures of one name from one address within `pairWindowMs` before that pair is refused. */
  perPair: number;
  pairWindowMs: number;
  /** Failures from one address, any name, within `ipWindowMs` before that address is refused. */
  perIp: number;
  ipWindowMs: number;
  /** Failures of one name (every address) within `userWindowMs` after which its failed addresses are backed off. */
  userSoft: number;
  userWindowMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_LOGIN_POLICY: LoginPolicy = {
  perPair: 5,
  pairWindowMs: 15 * 60_000,
  perIp: 50,
  ipWindowMs: 15 * 60_000,
  userSoft: 5,
  userWindowMs: 60 * 60_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 15 * 60_000,
};

/** Milliseconds until this (name, address) may try again, or 0. Pure: `facts` hold times newest first. */
export function loginWait(facts: LoginFailureFacts, now: number, p: LoginPolicy): number {
  let wait = 0;
  const recentPair = facts.pair.filter((t) => t > now - p.pairWindowMs);
  if (recentPair.length >= p.perPair) wait = Math.max(wait, recentPair[p.perPair - 1]! + p.pairWindowMs - now);
  if (facts.ip.length >= p.perIp) wait = Math.max(wait, facts.ip[p.perIp - 1]! + p.ipWindowMs - now);
  const lastHere = facts.pair[0];
  if (lastHere !== undefined && facts.userCount >= p.userSoft) {
    const backoff = Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** Math.min(30, facts.userCount - p.userSoft));
    wait = Math.max(wait, lastHere + backoff - now);
  }
  return Math.max(0, wait);
}

/** Keys as stored: names lower-cased ("Ops" and "ops" count together), both cut to the column's 64 characters. */
const keys = (name: string, ip: string) => ({ userKey: name.toLowerCase().slice(0, 64), ip: ip.slice(0, 64) });

type ThrottleContext = Pick<AppContext, "repos">;

export async function loginRetryAfter(
  ctx: ThrottleContext,
  input: { name: string; ip: string; now: number },
  p: LoginPolicy = DEFAULT_LOGIN_POLICY,
): Promise<number> {
  const { userKey, ip } = keys(input.name, input.ip);
  const facts = await ctx.repos.consoleSessions.loginFailureFacts({
    userKey,
    ip,
    // The pair's failures are read over the user window: they also say whether this address "has failed".
    pairSince: input.now - Math.max(p.pairWindowMs, p.userWindowMs),
    pairLimit: p.perPair,
    ipSince: input.now - p.ipWindowMs,
    ipLimit: p.perIp,
    userSince: input.now - p.userWindowMs,
  });
  return loginWait(facts, input.now, p);
}

export async function recordLoginFailure(
  ctx: ThrottleContext,
  input: { name: string; ip: string; now: number },
  p: LoginPolicy = DEFAULT_LOGIN_POLICY,
): Promise<void> {
  const keepSince = input.now - Math.max(p.pairWindowMs, p.ipWindowMs, p.userWindowMs);
  await ctx.repos.consoleSessions.recordLoginFailure({ at: input.now, ...keys(input.name, input.ip) }, keepSince);
}

/**
 * A good password clears this address's failures on the name; the name's other failures stay, so the addresses
 * that were guessing remain backed off.
 */
export async function recordLoginSuccess(ctx: ThrottleContext, input: { name: string; ip: string }): Promise<void> {
  const { userKey, ip } = keys(input.name, input.ip);
  await ctx.repos.consoleSessions.clearLoginFailures(userKey, ip);
}
