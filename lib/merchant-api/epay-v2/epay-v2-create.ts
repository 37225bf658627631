import "server-only";
import { z } from "zod";
import type { AppContext } from "@/lib/context";
import { sha256Hex } from "@/lib/crypto/digest";
import { parseYuan } from "@/lib/money";
import { obviouslyPrivate } from "@/lib/net/url-guard";
import { merchantUrlPolicy } from "@/lib/net/url-policy";
import { OrderError } from "@/lib/orders/order-errors";
import type { PayType } from "@/lib/pay-types";
import type { Order } from "@/lib/storage/records";
import { hasControlCharacter } from "@/lib/text/printable";
import { checkEpayUrls, epayPayType, placeEpayOrder } from "@/lib/merchant-api/epay-place";
import { authenticateEpayV2, type EpayV2Merchant } from "./epay-v2-auth";
import { EPAY_V2_OK, EpayV2Error } from "./epay-v2-codes";
import { epayV2OrderError } from "./epay-v2-errors";

const noControl = (v: string) => !hasControlCharacter(v);

/** The payment fields of `pay/create` and `pay/submit` (docs/protocols/epay-v2.md#payment-fields), as received. */
const paymentSchema = z.object({
  out_trade_no: z
    .string()
    .min(1, "订单号(out_trade_no)不能为空")
    .max(128, "订单号(out_trade_no)过长")
    // The server's rule for its own order numbers.
    .regex(/^[a-zA-Z0-9._\-|]+$/, "订单号(out_trade_no)格式不正确"),
  notify_url: z.string().min(1, "通知地址(notify_url)不能为空"),
  return_url: z.string().default(""),
  money: z.string().min(1, "金额(money)不能为空"),
  name: z.string().max(127, "商品名称(name)过长").refine(noControl, "商品名称(name)含有控制字符").default(""),
  type: z.string().default(""),
  param: z.string().max(255, "附加参数(param)过长").refine(noControl, "附加参数(param)含有控制字符").default(""),
  method: z.string().default(""),
});

/** The `method`s Paydesk serves: a page to send the payer to, or the code itself (`web`, the default). */
const SERVED_METHODS = new Set(["", "web", "jump"]);

async function createV2Order(ctx: AppContext, merchant: EpayV2Merchant, params: Record<string, string>) {
  const parsed = paymentSchema.safeParse(params);
  if (!parsed.success) throw new EpayV2Error(parsed.error.issues[0]?.message ?? "参数错误");
  const p = parsed.data;
  // jsapi, app, applet and scan need an official platform's own SDK flow (an openid, a payer's code); Paydesk's
  // channels give a page or a code.
  if (!SERVED_METHODS.has(p.method)) throw new EpayV2Error(`不支持的接口类型 method=${p.method}（可用：web、jump）`);
  const refuse = (message: string) => new EpayV2Error(message);
  checkEpayUrls(p, refuse);
  const policy = merchantUrlPolicy(merchant);
  const allowed = { ...policy, allowedHosts: [...policy.allowedHosts, ...merchant.epay_v2.allowed_hosts] };
  if (obviouslyPrivate(p.notify_url, allowed)) {
    throw new EpayV2Error(
      "notify_url 指向本机或内网地址；如确需使用，请在商户配置的 epay_v2.allowed_hosts 中列出该主机",
    );
  }
  const priceFen = /^[0-9.]+$/.test(p.money) ? parseYuan(p.money) : null;
  if (priceFen === null || priceFen <= 0) throw new EpayV2Error("金额不合法");
  const type = epayPayType(p.type, refuse);
  const fields = [p.out_trade_no, p.money, p.type, p.name, p.param, p.notify_url, p.return_url];
  const request = {
    protocol: "epay-v2" as const,
    outOrderId: p.out_trade_no,
    priceRaw: p.money,
    priceFen,
    type,
    custom: p.param,
    name: p.name,
    notifyUrl: p.notify_url,
    returnUrl: p.return_url || null,
    // The RSA signature is 344 characters; the order keeps (and claims) its digest, a varchar(64).
    requestSign: sha256Hex(`epay-v2:${params.sign ?? ""}`),
    digest: sha256Hex(JSON.stringify(["epay-v2", ...fields])),
  };
  try {
    // As the server does, an order whose wallet code no channel could make now is still made, and the payer is sent
    // to the cashier.
    return { ...(await placeEpayOrder(ctx, merchant, request, true)), method: p.method };
  } catch (err) {
    throw err instanceof OrderError ? epayV2OrderError(err) : err;
  }
}

/** The cashier page; `?choice=failed&failed={type}` when that wallet's code could not be made. */
export function cashierUrl(ctx: AppContext, order: Order, failedType: PayType | null): string {
  return `${ctx.config.baseUrl}/pay/${order.id}${failedType ? `?choice=failed&failed=${failedType}` : ""}`;
}

/**
 * `pay/create`: the order, answered with how to pay it (docs/protocols/epay-v2.md#pay-create): `jump` to the cashier
 * (asked for with `method=jump`, or while the order has no code yet: no wallet chosen, or no channel could make one
 * now), else `qrcode` with the code content the channel gave.
 */
export async function payCreate(ctx: AppContext, merchant: EpayV2Merchant, params: Record<string, string>) {
  const { order, method, failedType } = await createV2Order(ctx, merchant, params);
  const code = method !== "jump" && order.payload !== "";
  return {
    code: EPAY_V2_OK,
    msg: "success",
    trade_no: order.id,
    pay_type: code ? "qrcode" : "jump",
    pay_info: code ? order.payload : cashierUrl(ctx, order, failedType),
  };
}

/** `pay/submit`: the payer's browser is here; the order's cashier page is where it goes (a 302 to this URL). */
export async function epayV2Submit(ctx: AppContext, params: Record<string, string>): Promise<string> {
  const merchant = await authenticateEpayV2(ctx, params);
  const { order, failedType } = await createV2Order(ctx, merchant, { ...params, method: "jump" });
  return cashierUrl(ctx, order, failedType);
}
