import "server-only";
import { AlipaySdk } from "alipay-sdk";
import { z } from "zod";
import { UpstreamError } from "@/lib/providers/types";
import { upstreamText } from "@/lib/providers/upstream-fetch";
import type { AlipayF2fChannel } from "./config";
import { loadAlipayKeys } from "./keys";

export const LABEL = "支付宝当面付";
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Alipay's `yyyy-MM-dd HH:mm:ss` in Beijing time (the gateway's timestamp and time_expire format). */
export function alipayTime(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** The common part of every `…_response` object. */
const envelope = z.looseObject({
  code: z.string(),
  msg: z.string().optional(),
  sub_code: z.string().optional(),
  sub_msg: z.string().optional(),
});
export type Envelope = z.infer<typeof envelope>;

/** A refusal as the merchant should read it: the platform's sub_msg and sub_code. */
export function reasonOf(e: Envelope): string {
  const what = e.sub_msg || e.msg || "请求失败";
  return `${what}（${e.sub_code ?? e.code}）`;
}

/** The SDK bound to a channel, built once per provider: it computes the certificate serial numbers at construction. */
function sdkFor(channel: AlipayF2fChannel): AlipaySdk {
  const keys = loadAlipayKeys(channel);
  return new AlipaySdk({
    appId: channel.app_id,
    privateKey: keys.appPrivateKeyPem,
    keyType: "PKCS8",
    signType: "RSA2",
    gateway: channel.gateway,
    ...(keys.mode === "key"
      ? { alipayPublicKey: keys.alipayPublicKeyPem }
      : {
          appCertContent: keys.appCertPem,
          alipayPublicCertContent: keys.alipayCertPem,
          alipayRootCertContent: keys.rootCertPem,
        }),
  });
}

/**
 * The open-platform gateway for one channel: `alipay-sdk` signs each request (and, in 公钥证书 mode, adds
 * app_cert_sn and alipay_root_cert_sn) and verifies each answer; the HTTP call itself goes through Paydesk's fetch,
 * so timeouts, aborts and UpstreamError work as for every provider (the SDK's own `exec` uses urllib and takes no
 * AbortSignal). The request timestamp is Paydesk's clock, not the SDK's.
 */
export function alipayGateway(channel: AlipayF2fChannel, fetchFn: typeof fetch) {
  const sdk = sdkFor(channel);

  /**
   * One gateway call. Answers the `…_response` object when its signature checks out. An unsigned answer is never
   * acted on (it becomes an UpstreamError quoting its reason): the gateway signs every answer it can attribute to
   * this app, so one without a sign is a gateway error page, or not Alipay.
   */
  async function call(
    method: string,
    biz: Record<string, unknown>,
    now: number,
    signal: AbortSignal,
    extra: Record<string, string> = {},
  ): Promise<Envelope & Record<string, unknown>> {
    const body = sdk.sdkExecute(
      method,
      { timestamp: alipayTime(now), ...extra, bizContent: biz },
      { bizContentAutoSnakeCase: false },
    );
    const reply = await upstreamText(fetchFn, LABEL, channel.gateway, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded;charset=utf-8", Accept: "application/json" },
      body,
      signal,
    });
    let json: unknown;
    try {
      json = JSON.parse(reply);
    } catch {
      throw new UpstreamError(`${LABEL}：无法解析的应答（${reply.slice(0, 80)}）`);
    }
    const responseKey = `${method.replaceAll(".", "_")}_response`;
    const outer = z.looseObject({ sign: z.string().optional() }).safeParse(json);
    if (!outer.success) throw new UpstreamError(`${LABEL}：应答格式不符`);
    const inner = envelope.safeParse(outer.data[responseKey] ?? outer.data.error_response);
    if (!inner.success) throw new UpstreamError(`${LABEL}：应答缺少 ${responseKey}`);
    if (outer.data[responseKey] === undefined || !outer.data.sign) {
      throw new UpstreamError(`${LABEL}：${inner.data.code === "10000" ? "应答未签名" : reasonOf(inner.data)}`);
    }
    try {
      sdk.checkResponseSign(reply, responseKey, outer.data.sign, "");
    } catch {
      throw new UpstreamError(`${LABEL}：应答验签失败（支付宝公钥或证书配置错误？）`);
    }
    return inner.data;
  }

  return { sdk, call };
}
