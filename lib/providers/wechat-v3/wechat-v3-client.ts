import "server-only";
import { z } from "zod";
import { UpstreamError } from "@/lib/providers/types";
import type { WechatV3Channel } from "./config";
import { loadWechatKeys } from "./keys";
import { authorization, verifyWechatSignature } from "./wechat-v3-sign";

export const LABEL = "微信支付";

export const errorBody = z.looseObject({ code: z.string(), message: z.string().optional() });

export interface Reply {
  status: number;
  /** The parsed body (null for an empty one). */
  body: unknown;
  /** Whether the answer carried a valid Wechatpay-Signature from a configured key. */
  verified: boolean;
}

/**
 * The APIv3 HTTP client of one channel: signs each request with the merchant key, and verifies each answer's
 * Wechatpay-Signature with the configured WeChat Pay public key or platform certificate (picked by
 * Wechatpay-Serial). A 2xx answer that does not verify is an UpstreamError, never a fact.
 */
export function wechatClient(channel: WechatV3Channel, fetchFn: typeof fetch) {
  const keys = loadWechatKeys(channel);
  const base = channel.base_url.replace(/\/+$/, "");

  function verify(headers: Headers, body: string): boolean {
    const serial = headers.get("wechatpay-serial");
    const signature = headers.get("wechatpay-signature");
    const timestamp = headers.get("wechatpay-timestamp");
    const nonce = headers.get("wechatpay-nonce");
    if (!serial || !signature || !timestamp || !nonce) return false;
    const key = keys.verifiers.get(serial);
    return key !== undefined && verifyWechatSignature(key, timestamp, nonce, body, signature);
  }

  async function call(
    method: "GET" | "POST",
    pathAndQuery: string,
    payload: Record<string, unknown> | null,
    now: number,
    signal: AbortSignal,
  ): Promise<Reply> {
    const body = payload === null ? "" : JSON.stringify(payload);
    const headers: Record<string, string> = {
      Accept: "application/json",
      "User-Agent": "Paydesk (+wechatpay-v3)",
      "Wechatpay-Serial": keys.preferredSerial,
      Authorization: authorization(
        { method, pathAndQuery, body, mchid: channel.mchid, serialNo: keys.merchantSerial, key: keys.merchantKey },
        Math.floor(now / 1000),
      ),
    };
    if (payload !== null) headers["Content-Type"] = "application/json";
    let res: Response;
    let text: string;
    try {
      res = await fetchFn(`${base}${pathAndQuery}`, {
        method,
        headers,
        ...(payload !== null ? { body } : {}),
        signal,
        redirect: "error",
      });
      text = await res.text();
    } catch (err) {
      if (signal.aborted) throw new UpstreamError(`${LABEL}：请求超时`);
      const e = err as Error & { cause?: { code?: string } };
      throw new UpstreamError(`${LABEL}：无法连接（${e.cause?.code ?? e.message}）`);
    }
    let parsed: unknown = null;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (res.status >= 200 && res.status < 300)
          throw new UpstreamError(`${LABEL}：无法解析的应答（${text.slice(0, 80)}）`);
        throw new UpstreamError(`${LABEL}：HTTP ${res.status}`);
      }
    }
    const verified = verify(res.headers, text);
    // A success is only believed when signed: a code_url or a "paid" answer from anyone else would be a lie.
    if (res.status >= 200 && res.status < 300 && !verified)
      throw new UpstreamError(`${LABEL}：应答签名验证失败（微信支付公钥或平台证书配置错误？）`);
    return { status: res.status, body: parsed, verified };
  }

  /** The UpstreamError for a refusal, quoting `{code, message}` when the body has them. */
  function refusal(r: Reply): UpstreamError {
    const e = errorBody.safeParse(r.body);
    if (!e.success) return new UpstreamError(`${LABEL}：HTTP ${r.status}`);
    return new UpstreamError(`${LABEL}：${e.data.message ?? "请求失败"}（${e.data.code}）`);
  }
  const codeOf = (r: Reply): string | undefined => errorBody.safeParse(r.body).data?.code;

  return { keys, verify, call, refusal, codeOf };
}
