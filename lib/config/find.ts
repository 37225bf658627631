import "server-only";
import type { ChannelConfig } from "@/lib/providers/config-schemas";
import type { AppConfig } from "./load";
import type { Merchant } from "./schema";

/** Lookups in the loaded configuration, by the keys requests carry. */

export function findMerchant(config: AppConfig, appkey: string): Merchant | undefined {
  return config.merchants.find((m) => m.appkey === appkey);
}

/** The merchant whose epay `pid` this is (docs/protocols/epay.md#credentials). */
export function findEpayMerchant(config: AppConfig, pid: string): Merchant | undefined {
  return config.merchants.find((m) => m.epay?.pid === pid);
}

export function findChannel(config: AppConfig, id: string): ChannelConfig | undefined {
  return config.channels.find((c) => c.id === id);
}
