import "server-only";
import type { AppContext } from "@/lib/context";
import { budgetStatus } from "@/lib/channels/channel-budget";
import { channelBreaker, type CircuitBreaker } from "@/lib/channels/circuit-breaker";
import { budgetZhCN } from "@/lib/i18n/budget-text";
import { fmt } from "@/lib/i18n/locale";
import { doctorText } from "@/lib/merchant-notify/doctor-hints";
import { parseDoctorCode } from "@/lib/merchant-notify/doctor";
import { formatYuan } from "@/lib/money";
import { shanghaiDay, shanghaiDayStartMs } from "@/lib/time/beijing-day";
import { clearAlert, postAlert, raiseAlert, type AlertCtx } from "./alerts";
import { alertSettings } from "@/lib/config/alerts";
import { beijingTime } from "./sinks";

/**
 * What raises and clears alerts. Each trigger reads the stored facts (so every instance comes to the same answer and
 * the condition rows keep it to one alert) and is run by the alert tick (runAlertTriggers, every 30 s by default);
 * none of them sits on the payment or notification path.
 */
export type TriggerCtx = AlertCtx & Pick<AppContext, "provider">;

const MINUTE = 60_000;

function merchantName(ctx: AlertCtx, appkey: string): string {
  return ctx.config.merchants.find((m) => m.appkey === appkey)?.name ?? appkey;
}

/**
 * A shop's notifications failing: the last N attempts all failed, or the oldest undelivered one is older than M
 * minutes. Clears when neither holds any more (a delivery went through and nothing old waits).
 */
export async function evaluateShopNotifications(ctx: AlertCtx): Promise<void> {
  const t = alertSettings(ctx.config).triggers;
  const now = ctx.now();
  const backlog = await ctx.repos.alertFacts.undeliveredByMerchant();
  const raised = new Set((await ctx.repos.alerts.activeConditions("notify:")).map((c) => c.slice("notify:".length)));
  const appkeys = new Set([...backlog.map((b) => b.appkey), ...raised]);
  for (const appkey of appkeys) {
    const b = backlog.find((x) => x.appkey === appkey);
    const attempts = await ctx.repos.alertFacts.recentAttemptsOfMerchant(appkey, t.notify_failures_in_row);
    const inRow = attempts.length >= t.notify_failures_in_row && attempts.every((a) => a.outcome !== "delivered");
    const oldMs = b ? now - b.oldestUndeliveredAt : 0;
    const tooOld = b !== undefined && oldMs > t.notify_oldest_minutes * MINUTE;
    const condition = `notify:${appkey}`;
    const name = merchantName(ctx, appkey);
    if (inRow || tooOld) {
      const last = parseDoctorCode(attempts.find((a) => a.outcome !== "delivered")?.doctorClass);
      const text = last ? doctorText(last) : null;
      const lines = [
        `商户：${name}（${appkey}）`,
        inRow ? `最近 ${t.notify_failures_in_row} 次通知全部失败` : null,
        b ? `未送达 ${b.undelivered} 条，最早的已等待 ${Math.round(oldMs / MINUTE)} 分钟` : null,
        text ? `原因：${text.label}${last?.detail ? `（${last.detail}）` : ""}` : null,
        text ? `处理：${text.hint}` : null,
      ];
      await raiseAlert(ctx, {
        condition,
        severity: "critical",
        title: `商户「${name}」的支付通知发送失败`,
        body: lines.filter((l) => l !== null).join("\n"),
      });
    } else if (raised.has(appkey)) {
      await clearAlert(ctx, condition, {
        title: `商户「${name}」的支付通知已恢复`,
        body: `商户：${name}（${appkey}）`,
      });
    }
  }
}

/**
 * A channel's monitor (V免签 heartbeat, 三网 code endpoint) offline and back, as the provider itself judges it
 * (`isAvailable`). A V免签 channel whose app never called in is not "offline" (it was never set up).
 */
export async function evaluateMonitors(ctx: TriggerCtx): Promise<void> {
  const now = ctx.now();
  for (const channel of ctx.config.channels) {
    const provider = ctx.provider(channel);
    if (!provider.isAvailable) continue;
    const last = channel.provider === "vmq" ? await ctx.repos.monitors.lastHeartbeat(channel.id) : null;
    if (channel.provider === "vmq" && last === null) continue;
    const online = await provider.isAvailable(now);
    const condition = `monitor:${channel.id}`;
    const seen = last === null ? "" : `\n最后心跳：${beijingTime(last)}（北京时间）`;
    if (!online)
      await raiseAlert(ctx, {
        condition,
        severity: "critical",
        title: `通道「${channel.id}」的监控端离线`,
        body: `该通道暂停接单，直到监控端恢复。请检查监控手机的网络、电量和监控 App 是否在运行。${seen}`,
      });
    else await clearAlert(ctx, condition, { title: `通道「${channel.id}」的监控端已恢复在线`, body: seen.trim() });
  }
}

/**
 * A channel's circuit breaker open (selection skips it) and closed. The breaker is per process; `lastError` names
 * what the provider answered when the breaker records it (see the lead's wiring note in docs/alerts.md).
 */
export async function evaluateBreakers(
  ctx: AlertCtx,
  breaker: CircuitBreaker = channelBreaker(),
  lastError: (channelId: string) => string | null = () => null,
): Promise<void> {
  const now = ctx.now();
  for (const channel of ctx.config.channels) {
    const state = breaker.state(channel.id, now);
    const condition = `breaker:${channel.id}`;
    if (state.open) {
      const error = lastError(channel.id);
      await raiseAlert(ctx, {
        condition,
        severity: "warning",
        title: `通道「${channel.id}」已熔断`,
        body: [
          `连续失败 ${state.failures} 次，${state.openUntil ? `暂停到 ${beijingTime(state.openUntil)}` : "暂停中"}，订单改走其他通道。`,
          error ? `上游最后的错误：${error}` : null,
        ]
          .filter((l) => l !== null)
          .join("\n"),
      });
    } else
      await clearAlert(ctx, condition, { title: `通道「${channel.id}」已恢复`, body: "熔断已解除，通道重新接单。" });
  }
}

/**
 * A channel at its budget today (orders or amount) or resting (a run of unpaid orders, a provider error): selection
 * skips it (lib/channels/channel-budget.ts). Clears on the next Beijing day, when the rest ends, or on a payment.
 */
export async function evaluateBudgets(ctx: AlertCtx): Promise<void> {
  const t = budgetZhCN;
  for (const channel of ctx.config.channels) {
    if (!channel.budget) continue;
    const s = await budgetStatus(ctx, channel.id);
    const condition = `budget:${channel.id}`;
    const limits = [
      s.limits?.dailyOrders != null ? fmt(t.budgetLimitOrders, { n: s.limits.dailyOrders }) : null,
      s.limits?.dailyAmountFen != null
        ? fmt(t.budgetLimitAmount, { amount: formatYuan(s.limits.dailyAmountFen) })
        : null,
    ].filter((l) => l !== null);
    if (s.atBudget)
      await raiseAlert(ctx, {
        condition,
        severity: "warning",
        title: fmt(t.budgetAlertTitle, { channel: channel.id }),
        body: fmt(t.budgetAlertBody, {
          orders: s.ordersToday,
          amount: formatYuan(s.amountTodayFen),
          limits: limits.join("，"),
        }),
      });
    else if (s.restingUntil !== null)
      await raiseAlert(ctx, {
        condition,
        severity: "warning",
        title: fmt(t.budgetRestAlertTitle, { channel: channel.id }),
        body: fmt(t.budgetRestAlertBody, { reason: s.restReason ?? "", until: beijingTime(s.restingUntil) }),
      });
    else
      await clearAlert(ctx, condition, {
        title: fmt(t.budgetRecoveredTitle, { channel: channel.id }),
        body: t.budgetRecoveredBody,
      });
  }
}

/** Payments kept for review (wrong amount, late, unmatched): one alert per payment, once. */
export async function evaluateReview(ctx: AlertCtx): Promise<void> {
  for (const p of await ctx.repos.payments.listPaymentsForReview(50)) {
    await postAlert(ctx, {
      kind: "event",
      severity: "warning",
      once: `review:${p.id}`,
      title: `有一笔收款待人工处理（${`¥${formatYuan(p.amount_fen)}`}）`,
      body: `通道：${p.channel_id}\n交易号：${p.trade_no}\n原因：${p.reason ?? p.status}\n请在控制台“待处理收款”中补单或忽略。`,
    });
  }
}

/** At the configured Beijing hour, yesterday's figures, once per day. */
export async function evaluateDailySummary(ctx: AlertCtx): Promise<void> {
  const hour = alertSettings(ctx.config).triggers.daily_summary_hour;
  if (hour === null) return;
  const now = ctx.now();
  const today = shanghaiDay(now);
  if (now < shanghaiDayStartMs(today) + hour * 3_600_000) return;
  const from = shanghaiDayStartMs(today - 1);
  const f = await ctx.repos.alertFacts.dayFigures(from, shanghaiDayStartMs(today));
  const date = beijingTime(from).slice(0, 10);
  await postAlert(ctx, {
    kind: "summary",
    severity: "info",
    once: `summary:${date}`,
    title: `每日汇总 ${date}`,
    body: [
      `订单 ${f.orders} 笔，已支付 ${f.paid} 笔，金额 ${`¥${formatYuan(f.paidFen)}`}`,
      `通知最终失败 ${f.failedNotifications} 条，待人工处理收款 ${f.review} 笔`,
    ].join("\n"),
  });
}

/** One pass of every trigger; each one's failure is logged and does not stop the others. */
export async function runAlertTriggers(ctx: TriggerCtx): Promise<void> {
  for (const [name, run] of [
    ["notify", () => evaluateShopNotifications(ctx)],
    ["monitor", () => evaluateMonitors(ctx)],
    ["breaker", () => evaluateBreakers(ctx, channelBreaker(), (id) => channelBreaker().state(id, ctx.now()).lastError)],
    ["review", () => evaluateReview(ctx)],
    ["budget", () => evaluateBudgets(ctx)],
    ["summary", () => evaluateDailySummary(ctx)],
  ] as const) {
    try {
      await run();
    } catch (err) {
      ctx.log.error({ err, trigger: name }, "alert trigger failed");
    }
  }
}
