import "server-only";
import { shanghaiDayStart } from "@/lib/time/beijing-day";
import { findEpayMerchant } from "@/lib/config/find";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { alipaySchemeLink } from "@/lib/cashier/deep-links";
import { formatYuan } from "@/lib/money";
import { loadOrderForRead } from "@/lib/orders/order-views";
import type { Order } from "@/lib/storage/records";
import { EPAY_OK, EpayError } from "./epay-codes";
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

/** `act=order`: one order, `status` 1 = paid, 0 = not paid. */
async function orderAnswer(
  ctx: AppContext,
  merchant: Merchant & { epay: { pid: string } },
  params: Record<string, string>,
) {
  const order = await findOrder(ctx, merchant, params);
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

/** `act=query`: the merchant's own basic information (no balances: Paydesk holds no money). */
async function merchantAnswer(ctx: AppContext, merchant: Merchant & { epay: { pid: string } }) {
  const today = shanghaiDayStart(ctx.now());
  const sinceYesterday = await ctx.repos.orders.countOrdersSince(merchant.appkey, today - 86_400_000);
  const orderToday = await ctx.repos.orders.countOrdersSince(merchant.appkey, today);
  return {
    code: EPAY_OK,
    msg: "查询商户信息成功！",
    pid: merchant.epay.pid,
    name: merchant.name,
    active: 1,
    money: "0.00",
    orders: await ctx.repos.orders.countOrdersSince(merchant.appkey, 0),
    order_today: orderToday,
    order_lastday: sinceYesterday - orderToday,
  };
}

/** `api.php?act=order|query|refund` (docs/protocols/epay.md#order-query). */
export async function epayApi(ctx: AppContext, params: Record<string, string>): Promise<object> {
  const act = params.act ?? "";
  if (!["order", "query", "refund"].includes(act))
    throw new EpayError(act ? `不支持的操作 act=${act}` : "缺少参数 act");
  const merchant = merchantByKey(ctx, params);
  if (act === "order") return orderAnswer(ctx, merchant, params);
  if (act === "query") return merchantAnswer(ctx, merchant);
  // Personal-code payments go straight into the receiving account: the platform never held the money to give back.
  throw new EpayError("个人收款码付款无法由平台原路退款，请商户直接联系付款人退款");
}
