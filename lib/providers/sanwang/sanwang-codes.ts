import "server-only";
import { randomBase62 } from "@/lib/ids";
import { formatYuan } from "@/lib/money";
import {
  UpstreamError,
  type CreatePaymentInput,
  type CreatePaymentResult,
  type ProviderDeps,
} from "@/lib/providers/types";
import type { SanwangChannel } from "./config";
import { upstreamText } from "@/lib/providers/upstream-fetch";

/** How long a WeChat/QQ code stays lent to its order before another order of the same amount may get it. */
export const QR_LOCK_MS = 10 * 60 * 1000;
const QUOTE_LIMIT = 120;

type MonitorWallet = "wxpay" | "qqpay";
const WALLET_LABEL: Record<MonitorWallet, string> = { wxpay: "三网监控（微信）", qqpay: "三网监控（QQ）" };

/**
 * The Alipay code, built locally from the channel's template: no call, unlimited, no expiry. The memo is our order
 * id itself, so the notify's `goodsTitle` names the order directly (order ids are unguessable, and the payer who
 * sees the memo already holds the id).
 */
export function alipayQrContent(channel: SanwangChannel, amountFen: number, memo: string): string {
  const values: Record<string, string> = { uid: channel.alipay_uid ?? "", amount: formatYuan(amountFen), desc: memo };
  return channel.alipay_qr_template.replace(/\{(uid|amount|desc)\}/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? ""),
  );
}

/** Whether the monitor's reply is a code of that wallet (WeChat personal `wxp://…`, QQ `https://…qq.com/…`). */
export function isMonitorCode(wallet: MonitorWallet, content: string): boolean {
  if (wallet === "wxpay") return /^wxp:\/\/\S+$/.test(content);
  return /^https:\/\/([a-z0-9-]+\.)*qq\.com\/\S+$/i.test(content);
}

/** A memo for a new WeChat/QQ code: unique per channel, short enough for the wallet's note field. */
export function newCodeMemo(): string {
  return randomBase62(10);
}

/** `GET {monitor_url}?amount={fen}&desc={memo}&key={key}` → a text body that is the code, or else an error. */
async function generateCode(
  channel: SanwangChannel,
  deps: ProviderDeps,
  wallet: MonitorWallet,
  amountFen: number,
  memo: string,
  signal: AbortSignal,
): Promise<string> {
  const label = WALLET_LABEL[wallet];
  if (!channel.monitor_url) throw new UpstreamError(`${label}：未配置 monitor_url`);
  const url = new URL(channel.monitor_url);
  url.searchParams.set("amount", String(amountFen));
  url.searchParams.set("desc", memo);
  url.searchParams.set("key", channel.key);
  const text = (await upstreamText(deps.fetch, label, url.toString(), { method: "GET", signal }))
    .replace(/^\uFEFF/, "")
    .trim();
  if (!isMonitorCode(wallet, text)) {
    const quoted = !text ? "空应答" : text.startsWith("<") ? "无法识别的应答" : text.slice(0, QUOTE_LIMIT);
    throw new UpstreamError(`${label}：${quoted}`);
  }
  return text;
}

/**
 * A WeChat/QQ code for one order through the cache (docs/providers/sanwang.md#how-it-works; required for WeChat, which
 * rate-limits code generation, and used for QQ as well): lend a free code of the same amount, and only when none is
 * free ask the monitor for a new one, stored already lent to this order. Two concurrent orders never share a code: the
 * claim is a conditional update, and a new code carries a fresh memo.
 */
export async function monitorCode(
  channel: SanwangChannel,
  deps: ProviderDeps,
  wallet: MonitorWallet,
  input: CreatePaymentInput,
): Promise<CreatePaymentResult> {
  const result = (content: string): CreatePaymentResult => ({
    payload: content,
    payAmountFen: input.amountFen,
    providerOrderId: null,
    expiresAt: null,
    freeAmount: false,
  });
  const claimed = await deps.qrCache.claimFreeQrCode({
    channelId: channel.id,
    amountFen: input.amountFen,
    orderId: input.orderId,
    now: input.now,
    lockMs: QR_LOCK_MS,
  });
  if (claimed) return result(claimed.content);

  const memo = newCodeMemo();
  const content = await generateCode(channel, deps, wallet, input.amountFen, memo, input.signal);
  await deps.qrCache.insertLockedQrCode({
    channel_id: channel.id,
    amount_fen: input.amountFen,
    memo,
    content,
    order_id: input.orderId,
    locked_at: input.now,
    created_at: input.now,
  });
  return result(content);
}
