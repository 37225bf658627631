import "server-only";
import { createHash } from "node:crypto";
import { findMerchant, type Merchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { MerchantCode, MerchantError } from "@/lib/merchant-protocol/codes";
import { signaturesEqual } from "@/lib/merchant-protocol/sign";
import { obviouslyPrivate, requestUrlProblem } from "@/lib/merchant-notify/url-guard";
import { merchantUrlPolicy } from "@/lib/merchant-notify/url-policy";
import { parseYuan } from "@/lib/money";
import { placeOrder } from "@/lib/orders/create-order";
import { issuedByPaydesk } from "@/lib/orders/signature-guard";
import type { Order } from "@/lib/storage/records";
import { createOrderSign, payTypeFromVmq } from "./vmq-sign";
import { createOrderParams, missing, VMQ_BAD_SIGN, VmqError } from "./vmq-wire";

/** The merchant behind `/vmq/{appkey}/…`: it must exist, have its API on and a `vmq` block (its key). */
export function vmqMerchant(ctx: AppContext, appkey: string): Merchant & { vmq: NonNullable<Merchant["vmq"]> } {
  const merchant = findMerchant(ctx.config, appkey);
  if (!merchant?.vmq) throw new VmqError("商户不存在或未开通 V免签 接口");
  if (!merchant.api_enabled) throw new VmqError("api已关闭");
  return { ...merchant, vmq: merchant.vmq };
}

function perRequestUrl(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const problem = requestUrlProblem(value);
  if (problem) throw new VmqError(`${name} ${problem}`);
  return value;
}

/**
 * `createOrder` (PROTOCOLS §6): verify `md5(payId + param + type + price + key)` over the strings as sent, check the
 * fields, then the one order service (channel choice, unique amount, idempotency per payId). Per-request
 * notifyUrl/returnUrl pass the URL guard's input check here and its address check at every send; a notifyUrl that
 * is plainly loopback or private (and not a host the operator listed) is refused here already.
 *
 * The sign has no separators, so digits can move between param, type and price under one sign (15.00 → 5.00 from a
 * shop's isHtml link). That sign then makes at most one order (the order service's rule) and a signature Paydesk
 * issued (a notify's, a return URL's) makes none; what stays inherent to V免签 is that a shop must compare `price`
 * in every notify with its own order.
 */
export async function createVmqOrder(ctx: AppContext, appkey: string, params: Record<string, string>): Promise<Order> {
  const merchant = vmqMerchant(ctx, appkey);
  const parsed = createOrderParams.safeParse(params);
  if (!parsed.success) throw missing(parsed.error);
  const p = parsed.data;
  if (!signaturesEqual(createOrderSign(p, merchant.vmq.key), p.sign) || (await issuedByPaydesk(ctx, p.sign)))
    throw new VmqError(VMQ_BAD_SIGN);
  const type = payTypeFromVmq(p.type);
  if (!type) throw new VmqError("支付方式错误（type 只能是 1 微信 或 2 支付宝）");
  const priceFen = parseYuan(p.price);
  if (priceFen === null || priceFen <= 0) throw new VmqError("订单金额错误");
  const notifyUrl = perRequestUrl("notifyUrl", p.notifyUrl);
  const returnUrl = perRequestUrl("returnUrl", p.returnUrl);
  if (!notifyUrl && !merchant.notify_url) throw new VmqError("未设置异步通知地址（notifyUrl）");
  // Paydesk itself fetches notifyUrl (returnUrl is only where the payer's browser goes).
  if (notifyUrl && obviouslyPrivate(notifyUrl, merchantUrlPolicy(merchant)))
    throw new VmqError("notifyUrl 指向本机或内网地址；如确需使用，请在商户配置的 vmq.allowed_hosts 中列出该主机");

  // Everything that shapes the order: the same payId with any of it different is another request.
  const digest = createHash("sha256")
    .update(JSON.stringify(["vmq", p.payId, p.param, p.type, p.price, notifyUrl, returnUrl]))
    .digest("hex");
  try {
    return await placeOrder(ctx, merchant, {
      protocol: "vmq",
      outOrderId: p.payId,
      priceRaw: p.price,
      priceFen,
      type,
      custom: p.param,
      name: "",
      notifyUrl,
      returnUrl,
      requestSign: p.sign,
      digest,
    });
  } catch (err) {
    if (err instanceof MerchantError && err.code === MerchantCode.NO_CHANNEL) {
      // vmqphp's own words: a monitor that stopped calling in, or every nearby amount held.
      throw new VmqError(
        err.message.includes("占用") ? "订单超出负荷，请稍后重试" : "监控端状态异常，请检查监控端是否在线",
      );
    }
    // One sign, one order: vmqphp's own bad-sign answer.
    if (err instanceof MerchantError && err.code === MerchantCode.SIGN_INVALID) throw new VmqError(VMQ_BAD_SIGN);
    // "未知错误: 商户订单号已存在" → the detail is the whole story for a V免签 shop.
    if (err instanceof MerchantError)
      throw new VmqError(err.code === MerchantCode.UNKNOWN ? err.message.replace(/^[^:]*: /, "") : err.message);
    throw err;
  }
}
