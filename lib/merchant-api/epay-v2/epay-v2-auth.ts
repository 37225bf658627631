import "server-only";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { AppConfig } from "@/lib/config/load";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { sha256Hex } from "@/lib/crypto/digest";
import { EPAY_V2_BAD_SIGN, EPAY_V2_BAD_SIGN_MESSAGE, EPAY_V2_TIMESTAMP_WINDOW_S, EpayV2Error } from "./epay-v2-codes";
import type { EpayV2MerchantConfig } from "./epay-v2-merchant-config";
import { platformKey } from "./epay-v2-platform-key";
import { parseRsaPublicKey, verifyEpayV2Sign } from "./epay-v2-sign";

export type EpayV2Merchant = Merchant & { epay_v2: EpayV2MerchantConfig };

/** The merchant whose V2 `pid` this is (docs/protocols/epay-v2.md#credentials). */
export function findEpayV2Merchant(config: Pick<AppConfig, "merchants">, pid: string): EpayV2Merchant | undefined {
  const m = config.merchants.find((x) => x.epay_v2?.pid === pid);
  return m?.epay_v2 ? { ...m, epay_v2: m.epay_v2 } : undefined;
}

/**
 * How long a verified request's signature is remembered: the timestamp window on both sides of Paydesk's clock and
 * a minute of margin, so a request cannot be replayed while its timestamp is still accepted.
 */
const REPLAY_WINDOW_S = 2 * EPAY_V2_TIMESTAMP_WINDOW_S + 60;

/**
 * True the first time this signature is seen, false for a replay. The key is the SHA-256 of the 344-character RSA
 * signature (it fits every varchar(64) column and limiter key); the counters live in PostgreSQL's `rate_limits` when
 * the database is PostgreSQL, so a replay to another instance is refused too (lib/storage/rate-limits-repo.ts).
 */
async function firstUse(ctx: Pick<AppContext, "repos" | "config">, pid: string, sign: string): Promise<boolean> {
  const limiter = ctx.repos.rateLimits.rateLimiter(ctx.config.limits, {
    keyPrefix: "epay_v2_replay",
    points: 1,
    duration: REPLAY_WINDOW_S,
  });
  try {
    await limiter.consume(sha256Hex(`epay-v2:${pid}:${sign.replace(/ /g, "+")}`));
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}

/**
 * The V2 signature check, in the 彩虹易支付 server's order (its `api_verify`, docs/protocols/epay-v2.md#signatures):
 * the merchant by `pid`, `sign_type` RSA (a merchant here holds an RSA public key and nothing else), a 10-digit
 * `timestamp` within 300 s of Paydesk's clock, the SHA256withRSA signature under the merchant's public key, and
 * finally a signature that was not used before. Every refusal of the signature is code -3.
 */
export async function authenticateEpayV2(
  ctx: Pick<AppContext, "repos" | "config" | "now">,
  params: Record<string, string>,
): Promise<EpayV2Merchant> {
  const pid = params.pid ?? "";
  if (!pid) throw new EpayV2Error("商户ID不能为空");
  const merchant = findEpayV2Merchant(ctx.config, pid);
  if (!merchant) throw new EpayV2Error("商户不存在！");
  if (!merchant.api_enabled) throw new EpayV2Error("商户已被封禁");
  if (params.sign_type !== "RSA") throw new EpayV2Error("该接口只能使用RSA签名类型", EPAY_V2_BAD_SIGN);
  const timestamp = params.timestamp ?? "";
  if (!timestamp) throw new EpayV2Error("时间戳(timestamp)字段不能为空", EPAY_V2_BAD_SIGN);
  const skew = /^\d{10}$/.test(timestamp) ? Math.abs(ctx.now() / 1000 - Number(timestamp)) : Infinity;
  if (skew > EPAY_V2_TIMESTAMP_WINDOW_S) throw new EpayV2Error("时间戳字段不正确，请检查服务器时间", EPAY_V2_BAD_SIGN);
  const publicKey = parseRsaPublicKey(merchant.epay_v2.public_key);
  // The config schema refused a key that does not parse; this guards a config built without it (tests, tools).
  if (typeof publicKey === "string") throw new EpayV2Error(EPAY_V2_BAD_SIGN_MESSAGE, EPAY_V2_BAD_SIGN);
  const sign = params.sign ?? "";
  if (!sign || !verifyEpayV2Sign(params, sign, publicKey))
    throw new EpayV2Error(EPAY_V2_BAD_SIGN_MESSAGE, EPAY_V2_BAD_SIGN);
  // A merchant configured with Paydesk's own platform public key (pasted into the wrong field) would let every notify
  // and answer Paydesk signs, re-signed at each sending, verify as that merchant's request: such a key signs nothing.
  if (publicKey.equals(platformKey().publicKey)) throw new EpayV2Error(EPAY_V2_BAD_SIGN_MESSAGE, EPAY_V2_BAD_SIGN);
  if (!(await firstUse(ctx, pid, sign))) throw new EpayV2Error("请求已被使用，请重新签名后再试", EPAY_V2_BAD_SIGN);
  return merchant;
}
