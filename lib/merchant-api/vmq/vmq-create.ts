import "server-only";
import { findMerchant } from "@/lib/config/find";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { sha256Hex, signaturesEqual } from "@/lib/crypto/digest";
import { obviouslyPrivate, requestUrlProblem } from "@/lib/net/url-guard";
import { merchantUrlPolicy } from "@/lib/net/url-policy";
import { parseYuan } from "@/lib/money";
import { OrderError } from "@/lib/orders/order-errors";
import { placeOrder } from "@/lib/orders/place-order";
import { issuedByPaydesk } from "@/lib/orders/signature-guard";
import type { Order } from "@/lib/storage/records";
import { createOrderSign, payTypeFromVmq } from "./vmq-merchant-sign";
import { createOrderParams, missing, VMQ_BAD_SIGN, VmqError } from "./vmq-merchant-wire";
import { vmqErrorFor } from "./vmq-order-errors";

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
 * `createOrder` (docs/protocols/vmq.md#create-order): verify `md5(payId + param + type + price + key)` over the strings
 * as sent, check the fields, then the one order service (channel choice, unique amount, idempotency per payId).
 * Per-request notifyUrl/returnUrl pass the URL guard's input check here and its address check at every send; a
 * notifyUrl that is plainly loopback or private (and not a host the operator listed) is refused here already.
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
  const digest = sha256Hex(JSON.stringify(["vmq", p.payId, p.param, p.type, p.price, notifyUrl, returnUrl]));
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
    throw err instanceof OrderError ? vmqErrorFor(err) : err;
  }
}
