import "server-only";
import { z } from "zod";
import { findEpayMerchant } from "@/lib/config/find";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { sha256Hex } from "@/lib/crypto/digest";
import { obviouslyPrivate } from "@/lib/net/url-guard";
import { merchantUrlPolicy } from "@/lib/net/url-policy";
import { parseYuan } from "@/lib/money";
import { OrderError } from "@/lib/orders/order-errors";
import { issuedByPaydesk } from "@/lib/orders/signature-guard";
import type { PayType } from "@/lib/pay-types";
import type { Order } from "@/lib/storage/records";
import { hasControlCharacter } from "@/lib/text/printable";
import { checkEpayUrls, epayPayType, placeEpayOrder } from "@/lib/merchant-api/epay-place";
import { EPAY_BAD_SIGN, EpayError } from "./epay-codes";
import { epayErrorFor } from "./epay-order-errors";
import { resplitProblem, verifyEpaySign } from "./epay-sign";

// Control characters (NUL above all, which PostgreSQL cannot store) are refused as in the 云端 create.
const noControl = (v: string) => !hasControlCharacter(v);

/**
 * The page/API payment request of submit.php and mapi.php (docs/protocols/epay.md#payment-fields), all strings as
 * received.
 */
const paymentSchema = z.object({
  out_trade_no: z
    .string()
    .min(1, "缺少商户订单号 out_trade_no")
    .max(128, "商户订单号 out_trade_no 过长")
    .refine(noControl, "商户订单号 out_trade_no 含有控制字符"),
  notify_url: z.string().min(1, "缺少异步通知地址 notify_url"),
  return_url: z.string().default(""),
  money: z.string().min(1, "缺少金额 money"),
  name: z.string().max(127, "商品名称 name 过长").refine(noControl, "商品名称 name 含有控制字符").default(""),
  type: z.string().default(""),
  param: z.string().max(255, "附加参数 param 过长").refine(noControl, "附加参数 param 含有控制字符").default(""),
});

/**
 * Finds the merchant by `pid` and verifies the request's signature (with or without its empty fields, MD5 only).
 * Nothing about the merchant is revealed before the signature holds.
 */
export function authenticateEpay(
  ctx: AppContext,
  params: Record<string, string>,
): Merchant & { epay: NonNullable<Merchant["epay"]> } {
  const pid = params.pid ?? "";
  if (!pid) throw new EpayError("缺少商户ID（pid）");
  const merchant = findEpayMerchant(ctx.config, pid);
  if (!merchant?.epay) throw new EpayError("商户不存在");
  if (!merchant.api_enabled) throw new EpayError("商户接口已关闭");
  if (!params.sign) throw new EpayError("缺少签名（sign）");
  const signType = params.sign_type ?? "MD5";
  if (signType.toUpperCase() !== "MD5") throw new EpayError(`不支持的签名类型 ${signType}，只支持 MD5`);
  if (!verifyEpaySign(params, merchant.epay.key)) throw new EpayError(EPAY_BAD_SIGN);
  // The same signature would also verify for these fields split differently (issue 17).
  const resplit = resplitProblem(params);
  if (resplit) throw new EpayError(`${EPAY_BAD_SIGN}：${resplit}`);
  return { ...merchant, epay: merchant.epay };
}

/** What an existing order must share with a retry to be "the same request". */
function digest(p: z.infer<typeof paymentSchema>): string {
  const fields = [p.out_trade_no, p.money, p.type, p.name, p.param, p.notify_url, p.return_url];
  return sha256Hex(JSON.stringify(["epay", ...fields]));
}

/**
 * submit.php / mapi.php: verify, check the fields, and hand the order to the shared order service (same channels,
 * rotation, rules, TTL, limits and idempotency per merchant + out_trade_no as the 云端 API). No `type` (v2board) →
 * an order without a wallet; the payer chooses on the cashier.
 */
export async function createEpayOrder(ctx: AppContext, params: Record<string, string>): Promise<Order> {
  return (await createEpayOrderFor(ctx, params, false)).order;
}

/**
 * submit.php's create: the payer's browser is waiting, not the shop's server. When no channel could make the code
 * for the requested wallet, the order is still made, without a wallet (the same request, so a repeat finds it), and
 * `failedType` says which wallet failed: the cashier then offers a retry, the other wallets and the way back.
 */
export async function createEpayPageOrder(
  ctx: AppContext,
  params: Record<string, string>,
): Promise<{ order: Order; failedType: PayType | null }> {
  return createEpayOrderFor(ctx, params, true);
}

async function createEpayOrderFor(
  ctx: AppContext,
  params: Record<string, string>,
  payerWaiting: boolean,
): Promise<{ order: Order; failedType: PayType | null }> {
  const merchant = authenticateEpay(ctx, params);
  // A signature Paydesk sent (a notify's, a return URL's) is no request's.
  if (await issuedByPaydesk(ctx, params.sign ?? "")) throw new EpayError(EPAY_BAD_SIGN);
  const parsed = paymentSchema.safeParse(params);
  if (!parsed.success) throw new EpayError(parsed.error.issues[0]?.message ?? "参数错误");
  const p = parsed.data;
  const refuse = (message: string) => new EpayError(message);
  checkEpayUrls(p, refuse);
  // Paydesk itself fetches notify_url (return_url is only where the payer's browser goes).
  if (obviouslyPrivate(p.notify_url, merchantUrlPolicy(merchant))) {
    throw new EpayError("notify_url 指向本机或内网地址；如确需使用，请在商户配置的 epay.allowed_hosts 中列出该主机");
  }
  const priceFen = parseYuan(p.money);
  if (priceFen === null || priceFen <= 0) throw new EpayError(`金额 money 无效：${p.money}`);
  const type = epayPayType(p.type, refuse);
  const request = {
    protocol: "epay" as const,
    outOrderId: p.out_trade_no,
    priceRaw: p.money,
    priceFen,
    type,
    custom: p.param,
    name: p.name,
    notifyUrl: p.notify_url,
    returnUrl: p.return_url || null,
    requestSign: params.sign ?? "",
    digest: digest(p),
  };
  try {
    return await placeEpayOrder(ctx, merchant, request, payerWaiting);
  } catch (err) {
    throw err instanceof OrderError ? epayErrorFor(err) : err;
  }
}
