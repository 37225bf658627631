import "server-only";
import { findEpayMerchant } from "@/lib/config/find";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { epayMerchantCounts } from "@/lib/merchant-api/epay-merchant-counts";
import { alipaySchemeLink } from "@/lib/wallet-links";
import { formatYuan } from "@/lib/money";
import { listEpayOrderPage } from "@/lib/merchant-api/epay-order-list";
import { loadOrderForRead } from "@/lib/orders/order-views";
import type { Order } from "@/lib/storage/records";
import { EPAY_OK, EpayError } from "./epay-codes";
import { epayRefund } from "./epay-refund";
import { keysEqual } from "./epay-sign";

/**
 * mapi.php's success answer (docs/protocols/epay.md#api-payment): integer `code` 1, the platform order number and ways
 * to pay.
 */
export interface MapiAnswer {
  code: typeof EPAY_OK;
  msg: string;
  trade_no: string;
  /** The cashier page: always there, so a client that only knows `payurl` works for every order. */
  payurl: string;
  /** The QR content, once the order has a wallet. */
  qrcode?: string;
  /** A wallet deep link, when the code is one a phone can open directly (Alipay's scheme, WeChat's own links). */
  urlscheme?: string;
}

export function mapiAnswer(ctx: AppContext, order: Order): MapiAnswer {
  const payurl = `${ctx.config.baseUrl}/pay/${order.id}`;
  const answer: MapiAnswer = { code: EPAY_OK, msg: "success", trade_no: order.id, payurl };
  if (order.payload) answer.qrcode = order.payload;
  const lower = order.payload.toLowerCase();
  if (order.type === "alipay" && lower.startsWith("https://")) answer.urlscheme = alipaySchemeLink(order.payload);
  else if (order.type === "wxpay" && (lower.startsWith("wxp://") || lower.startsWith("weixin://")))
    answer.urlscheme = order.payload;
  return answer;
}

const SHANGHAI_MS = 8 * 3_600_000;

/** `Y-m-d H:i:s` in Asia/Shanghai (UTC+8, no daylight saving), the platform's time format. */
export function shanghaiTime(ms: number): string {
  return new Date(ms + SHANGHAI_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** The merchant by `pid` and its plain `key` parameter (that is how api.php authenticates). */
function merchantByKey(
  ctx: AppContext,
  params: Record<string, string>,
): Merchant & { epay: NonNullable<Merchant["epay"]> } {
  if (!params.pid) throw new EpayError("缺少商户ID（pid）");
  const merchant = findEpayMerchant(ctx.config, params.pid);
  if (!merchant?.epay || !keysEqual(merchant.epay.key, params.key ?? "")) throw new EpayError("商户ID或密钥错误");
  if (!merchant.api_enabled) throw new EpayError("商户接口已关闭");
  return { ...merchant, epay: merchant.epay };
}

async function findOrder(ctx: AppContext, merchant: Merchant, params: Record<string, string>): Promise<Order> {
  let found: Order | undefined;
  if (params.trade_no) found = await loadOrderForRead(ctx, params.trade_no);
  else if (params.out_trade_no) {
    const byRef = await ctx.repos.orders.findOrderByMerchantRef(merchant.appkey, params.out_trade_no);
    found = byRef ? await loadOrderForRead(ctx, byRef.id) : undefined;
  } else throw new EpayError("缺少订单号（trade_no 或 out_trade_no）");
  // Another merchant's order is "not found", never "not yours".
  if (!found || found.appkey !== merchant.appkey) throw new EpayError("订单不存在");
  return found;
}

/** One order in `act=order`'s words: `status` 1 = paid, 0 = not paid (expiry applied from the clock). */
function orderFields(merchant: Merchant & { epay: { pid: string } }, order: Order) {
  return {
    code: EPAY_OK,
    msg: "查询订单号成功！",
    trade_no: order.id,
    out_trade_no: order.out_order_id,
    type: order.type ?? "",
    pid: merchant.epay.pid,
    addtime: shanghaiTime(order.created_at),
    endtime: order.paid_at === null ? null : shanghaiTime(order.paid_at),
    name: order.name,
    money: formatYuan(order.price_fen),
    status: order.status === "paid" ? 1 : 0,
    param: order.custom,
    buyer: "",
  };
}

/** `act=order`: one order. */
async function orderAnswer(
  ctx: AppContext,
  merchant: Merchant & { epay: { pid: string } },
  params: Record<string, string>,
) {
  return orderFields(merchant, await findOrder(ctx, merchant, params));
}

/**
 * `act=query`: the merchant's own information, with the 彩虹易支付 server's fields (docs/protocols/epay.md#merchant-info).
 * Paydesk holds no money and settles nothing (it goes straight to the receiving accounts): `money` is "0.00", `type`
 * (the settlement method) 0 and `account` empty. `orders` counts every order; `orders_today` and `orders_lastday`
 * the paid orders created on this and the previous Beijing day, as the server counts them.
 */
async function merchantAnswer(
  ctx: AppContext,
  merchant: Merchant & { epay: { pid: string } },
  params: Record<string, string>,
) {
  const counts = await epayMerchantCounts(ctx, merchant.appkey);
  return {
    code: EPAY_OK,
    msg: "查询商户信息成功！",
    pid: merchant.epay.pid,
    // The server echoes the key it was sent (the merchant's own, just checked).
    key: params.key ?? "",
    active: 1,
    money: "0.00",
    type: 0,
    account: "",
    username: merchant.name,
    name: merchant.name,
    ...counts,
  };
}

/**
 * `act=orders`: a page of the merchant's orders, newest first (docs/protocols/epay.md#order-list), each with the
 * fields of `act=order`. `status` 1 lists the paid ones, 0 the others.
 */
async function ordersAnswer(
  ctx: AppContext,
  merchant: Merchant & { epay: { pid: string } },
  params: Record<string, string>,
) {
  const orders = await listEpayOrderPage(ctx, merchant.appkey, params, (message) => new EpayError(message));
  const data = orders.map((order) => {
    const { code: _code, msg: _msg, ...fields } = orderFields(merchant, order);
    return fields;
  });
  return { code: EPAY_OK, msg: "查询订单记录成功！", count: data.length, data };
}

/**
 * `api.php?act=order|orders|query|refund` (docs/protocols/epay.md#order-query). `method` is the request's: a refund
 * is taken from a POST only.
 */
export async function epayApi(ctx: AppContext, params: Record<string, string>, method?: string): Promise<object> {
  const act = params.act ?? "";
  if (!["order", "orders", "query", "refund"].includes(act))
    throw new EpayError(act ? `不支持的操作 act=${act}` : "缺少参数 act");
  const merchant = merchantByKey(ctx, params);
  if (act === "order") return orderAnswer(ctx, merchant, params);
  if (act === "orders") return ordersAnswer(ctx, merchant, params);
  if (act === "query") return merchantAnswer(ctx, merchant, params);
  return epayRefund(ctx, merchant, params, method);
}
