import "server-only";
import type { AppContext } from "@/lib/context";
import { DAY_MS, shanghaiDay, shanghaiDayStartMs } from "@/lib/time/beijing-day";
import type { FailingNotification } from "@/lib/storage/console-queries-repo";
import type { Payment } from "@/lib/storage/records";
import { channelIdsInScope, type ConsoleScope } from "./console-scope";
import { loadFailingShops, type FailingShopView } from "./failing-shops";
import { notifyState, type NotifyState } from "./notify-status";

export const OVERVIEW_DAYS = 14;

/** Paid count and fen for one merchant or channel: today, and per day over the last 14 days (oldest first). */
export interface PaidSeries {
  key: string;
  label: string;
  today: { count: number; fen: number };
  days: { count: number; fen: number }[];
}

export interface Overview {
  /** Beijing dates of the 14 days, oldest first (`YYYY-MM-DD`); the last one is today. */
  days: string[];
  byMerchant: PaidSeries[];
  byChannel: PaidSeries[];
  /** Notifications not getting through, each with its state as the console names it and its shop's name. */
  failing: (FailingNotification & { shopName: string; notify: NotifyState })[];
  /** The shops whose notifications fail, by name, with the doctor's class of the last failure. */
  failingShops: FailingShopView[];
  review: Payment[];
}

function series(
  keys: { key: string; label: string }[],
  buckets: Map<string, Map<number, { count: number; fen: number }>>,
  firstDay: number,
): PaidSeries[] {
  return keys.map(({ key, label }) => {
    const byDay = buckets.get(key) ?? new Map<number, { count: number; fen: number }>();
    const days = Array.from({ length: OVERVIEW_DAYS }, (_, i) => byDay.get(firstDay + i) ?? { count: 0, fen: 0 });
    return { key, label, today: days[OVERVIEW_DAYS - 1]!, days };
  });
}

function add(
  map: Map<string, Map<number, { count: number; fen: number }>>,
  key: string,
  day: number,
  count: number,
  fen: number,
) {
  const inner = map.get(key) ?? new Map<number, { count: number; fen: number }>();
  const cur = inner.get(day) ?? { count: 0, fen: 0 };
  inner.set(day, { count: cur.count + count, fen: cur.fen + fen });
  map.set(key, inner);
}

/** The overview page: paid totals per merchant and channel, notifications failing now, payments waiting for review. */
export async function loadOverview(ctx: AppContext, scope: ConsoleScope): Promise<Overview> {
  const today = shanghaiDay(ctx.now());
  const firstDay = today - (OVERVIEW_DAYS - 1);
  const since = shanghaiDayStartMs(firstDay);
  const [buckets, failingRows, review, failingShops] = await Promise.all([
    ctx.repos.consoleQueries.paidTotalsByDay(scope.appkeys, since),
    ctx.repos.consoleQueries.listFailingNotifications(scope.appkeys, 20),
    ctx.repos.payments.listReviewPaymentsInScope({ appkeys: scope.appkeys, channelIds: channelIdsInScope(scope) }, 20),
    loadFailingShops(ctx, scope),
  ]);
  const lastFailure = await ctx.repos.consoleOps.lastFailureByOrder(failingRows.map((f) => f.order_id));
  const failing = failingRows.map((f) => ({
    ...f,
    shopName: ctx.config.merchants.find((m) => m.appkey === f.appkey)?.name || f.appkey,
    notify: notifyState(f, lastFailure.get(f.order_id)),
  }));
  const merchants = new Map<string, Map<number, { count: number; fen: number }>>();
  const channels = new Map<string, Map<number, { count: number; fen: number }>>();
  for (const b of buckets) {
    add(merchants, b.appkey, b.day, b.count, b.fen);
    add(channels, b.channel_id, b.day, b.count, b.fen);
  }
  const days = Array.from({ length: OVERVIEW_DAYS }, (_, i) =>
    new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10),
  );
  return {
    days,
    byMerchant: series(
      scope.merchants.map((m) => ({ key: m.appkey, label: m.name })),
      merchants,
      firstDay,
    ),
    byChannel: series(
      scope.channels.map((c) => ({ key: c.id, label: `${c.id} (${c.provider})` })),
      channels,
      firstDay,
    ),
    failing,
    failingShops,
    review,
  };
}
