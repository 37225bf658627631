import "server-only";
import { parseYuan } from "@/lib/money";
import {
  ChannelBusyError,
  UpstreamError,
  type CreatePaymentInput,
  type CreatePaymentResult,
  type NotifyOutcome,
  type NotifyRequest,
  type PaymentProvider,
  type ProviderDefinition,
  type ProviderDeps,
} from "@/lib/providers/types";
import { vmqChannelSchema, type VmqChannel, type VmqWallet } from "./config";
import { WALLET_BY_CODE, heartSign, parseJavaYuan, parseMillis, pushSign, signMatches, vmqAck } from "./vmq-wire";

/** Used only when a caller gives no hold time (provider unit tests): V免签's own 5-minute order plus 10 min grace. */
const FALLBACK_HOLD_MS = 15 * 60 * 1000;

const OK = vmqAck(1, "成功");
const BAD_SIGN = vmqAck(-1, "签名校验不通过");
/** vmqphp's answer to a call whose `t` is too far from the server's clock. */
const CLOCK_OFF = vmqAck(-1, "客户端时间错误");

function isWallet(channel: VmqChannel, type: string): type is VmqWallet {
  return (channel.types as readonly string[]).includes(type);
}

/** The code the payer scans: a fixed-amount code for exactly this amount when the merchant has one. */
function codeFor(
  channel: VmqChannel,
  type: VmqWallet,
  amountFen: number,
): { content: string; freeAmount: boolean } | null {
  const fixed = channel.fixed_codes.find((f) => f.type === type && parseYuan(f.price) === amountFen);
  if (fixed) return { content: fixed.content, freeAmount: false };
  const free = channel.codes[type];
  return free ? { content: free, freeAmount: true } : null;
}

/**
 * Finds the order an amount of its own (docs/providers/vmq.md#how-matching-works): the price, else price ± 1 fen, ± 2
 * fen … up to `max_offsets` amounts, the first one no other open order of this channel and wallet holds. Each try is
 * one atomic claim in storage, so concurrent creates (on any instance) always end up with different amounts.
 */
async function createPayment(
  channel: VmqChannel,
  deps: ProviderDeps,
  input: CreatePaymentInput,
): Promise<CreatePaymentResult> {
  const type = input.type;
  if (!isWallet(channel, type)) throw new UpstreamError("V免签：该通道不支持此支付方式");
  const step = channel.offset === "up" ? 1 : -1;
  const reservedUntil = input.holdUntil ?? input.now + FALLBACK_HOLD_MS;
  for (let k = 0; k < channel.max_offsets; k++) {
    const amountFen = input.amountFen + step * k;
    if (amountFen <= 0) break;
    const claim = { channelId: channel.id, type, amountFen, orderId: input.orderId, now: input.now, reservedUntil };
    if (!(await deps.amounts.reserveAmount(claim))) continue;
    const code = codeFor(channel, type, amountFen);
    if (!code) throw new UpstreamError(`V免签：未配置 codes.${type}`);
    return {
      payload: code.content,
      payAmountFen: amountFen,
      providerOrderId: null,
      expiresAt: null,
      freeAmount: code.freeAmount,
    };
  }
  throw new ChannelBusyError(`V免签：${channel.max_offsets} 个付款金额均被占用（订单超出负荷）`);
}

function heartbeat(channel: VmqChannel, q: URLSearchParams): NotifyOutcome {
  const t = q.get("t");
  const sentAt = parseMillis(t);
  if (t === null || sentAt === null)
    return { kind: "rejected", reason: "malformed vmq heartbeat", ack: vmqAck(-1, "参数错误") };
  if (!signMatches(heartSign(t, channel.key), q.get("sign")))
    return { kind: "rejected", reason: "bad vmq heartbeat sign", ack: BAD_SIGN };
  const offlineAfterMs = channel.offline_after_seconds * 1000;
  return { kind: "heartbeat", sentAt, offlineAfterMs, ack: OK, clockAck: CLOCK_OFF };
}

async function push(channel: VmqChannel, deps: ProviderDeps, q: URLSearchParams): Promise<NotifyOutcome> {
  const [t, typeCode, price] = [q.get("t"), q.get("type"), q.get("price")];
  const sentAt = parseMillis(t);
  if (t === null || typeCode === null || price === null || sentAt === null) {
    return { kind: "rejected", reason: "malformed vmq push", ack: vmqAck(-1, "参数错误") };
  }
  // The signature covers the strings exactly as the app sent them ("10.0", not 10.00).
  if (!signMatches(pushSign(typeCode, price, t, channel.key), q.get("sign"))) {
    return { kind: "rejected", reason: "bad vmq push sign", ack: BAD_SIGN };
  }
  const wallet = WALLET_BY_CODE[typeCode];
  const amountFen = parseJavaYuan(price);
  if (!wallet || amountFen === null || amountFen <= 0)
    return { kind: "rejected", reason: "bad vmq push type or price", ack: vmqAck(-1, "参数错误") };
  const holder = isWallet(channel, wallet)
    ? await deps.amounts.findAmountHolder(channel.id, wallet, amountFen)
    : undefined;
  return {
    kind: "payment",
    // The app has no transaction number. Its own send time with the wallet and amount is what a re-sent push repeats
    // and two real payments (which reach the app at different milliseconds) never share.
    tradeNo: `push:${t}:${wallet}:${amountFen}`,
    amountFen,
    match: holder ? { by: "order_id", orderId: holder } : { by: "none" },
    ack: OK,
    raw: { t, type: typeCode, wallet, price },
    // `md5(type + price + t + key)` does not fix where price ends and t begins: "23.0" + "1796…" signs the same as
    // "23.01" + "796…". Only a t near the server's clock (the heartbeat's window, checked by the caller, which owns
    // the clock) leaves one reading; a push outside it is kept for review and answered as vmqphp answers a bad t.
    clock: { sentAt, clockAck: CLOCK_OFF },
  };
}

async function parseNotify(channel: VmqChannel, deps: ProviderDeps, request: NotifyRequest): Promise<NotifyOutcome> {
  const path = request.url.pathname;
  if (path.endsWith("/appHeart")) return heartbeat(channel, request.url.searchParams);
  if (path.endsWith("/appPush")) return push(channel, deps, request.url.searchParams);
  return { kind: "rejected", reason: "not a vmq monitor call", ack: vmqAck(-1, "未知请求") };
}

/**
 * V免签 monitor app (docs/protocols/vmq.md#monitor-app): the merchant's own codes, unique amounts per order, heartbeat
 * and pushes.
 */
export const vmqProvider: ProviderDefinition<typeof vmqChannelSchema> = {
  schema: vmqChannelSchema,
  create(channel, deps): PaymentProvider {
    return {
      // The app never retries, so this only tells its user that the server failed.
      retryAck: { ...vmqAck(-1, "服务器繁忙"), status: 500 },
      createPayment: (input) => createPayment(channel, deps, input),
      parseNotify: (request) => parseNotify(channel, deps, request),
      async isAvailable(now) {
        const last = await deps.monitors.lastHeartbeat(channel.id);
        return last !== null && now - last <= channel.offline_after_seconds * 1000;
      },
    };
  },
};
