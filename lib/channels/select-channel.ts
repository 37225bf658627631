import type { ChannelConfig } from "@/lib/providers/registry";
import type { ChannelRules } from "@/lib/providers/channel-base-schema";
import { parseYuan } from "@/lib/money";
import type { PayType } from "@/lib/pay-types";
import { shanghaiMinuteOfDay } from "@/lib/time/beijing-day";

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Collection hours, Beijing time: "08:00-23:30" includes 08:00 and excludes 23:30; "22:00-02:00" wraps past
 * midnight.
 */
export function inHours(ranges: readonly string[], now: number): boolean {
  const minute = shanghaiMinuteOfDay(now);
  return ranges.some((range) => {
    const [from, to] = range.split("-").map(toMinutes) as [number, number];
    return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
  });
}

export function rulesAllow(rules: ChannelRules | undefined, priceFen: number, now: number): boolean {
  if (!rules) return true;
  if (rules.min_price !== undefined && priceFen < (parseYuan(rules.min_price) ?? 0)) return false;
  if (rules.max_price !== undefined && priceFen > (parseYuan(rules.max_price) ?? Infinity)) return false;
  if (rules.hours !== undefined && !inHours(rules.hours, now)) return false;
  return true;
}

export type Rotation = "smart" | "uniform" | "random";

export interface RotationFacts {
  /** Channel of the merchant's last completed transaction (smart excludes it). */
  lastPaidChannel?: string;
  /** Fen collected today per channel (uniform excludes the top collector). */
  collectedToday: ReadonlyMap<string, number>;
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.min(items.length - 1, Math.floor(random() * items.length))];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/**
 * The rotation strategies of docs/protocols/cloudpay.md#channel-rotation over the channels that passed the rules:
 * - smart: exclude the channel of the previous completed transaction, random among the rest;
 * - uniform: exclude the channel with the largest amount collected today, random among the rest;
 * - random: any at random.
 * An exclusion never empties the list: with one candidate, it is used.
 */
export function rotate(
  candidates: readonly ChannelConfig[],
  rotation: Rotation,
  facts: RotationFacts,
  random: () => number,
): ChannelConfig {
  let pool = candidates;
  if (rotation === "smart" && facts.lastPaidChannel !== undefined) {
    const rest = candidates.filter((c) => c.id !== facts.lastPaidChannel);
    if (rest.length > 0) pool = rest;
  } else if (rotation === "uniform" && candidates.length > 1) {
    let top: ChannelConfig | undefined;
    let topAmount = 0;
    for (const c of candidates) {
      const amount = facts.collectedToday.get(c.id) ?? 0;
      if (amount > topAmount) {
        top = c;
        topAmount = amount;
      }
    }
    if (top) pool = candidates.filter((c) => c !== top);
  }
  return pick(pool, random);
}

/** Channels of the merchant serving `type` at all (none → code 203, "payment type closed"). */
export function channelsForType(
  all: readonly ChannelConfig[],
  merchantChannelIds: readonly string[],
  type: PayType,
): ChannelConfig[] {
  return merchantChannelIds
    .map((id) => all.find((c) => c.id === id))
    .filter((c): c is ChannelConfig => c !== undefined && c.types.includes(type));
}
