import type { AppConfig } from "@/lib/config/load";
import type { Merchant } from "@/lib/config/schema";
import type { ConsoleUser } from "./console-config";
import type { ChannelConfig } from "@/lib/providers/registry";

/**
 * What one console user may see: their merchants (every one for `"*"`), and the channels those merchants use.
 * `appkeys` null means "all"; repository queries take it as-is and filter in SQL.
 */
export interface ConsoleScope {
  userName: string;
  appkeys: string[] | null;
  merchants: Merchant[];
  channels: ChannelConfig[];
}

export function scopeFor(config: AppConfig, user: ConsoleUser): ConsoleScope {
  if (user.merchants === "*")
    return { userName: user.name, appkeys: null, merchants: config.merchants, channels: config.channels };
  const allowed = new Set(user.merchants);
  const merchants = config.merchants.filter((m) => allowed.has(m.appkey));
  const channelIds = new Set(merchants.flatMap((m) => m.channels));
  return {
    userName: user.name,
    appkeys: merchants.map((m) => m.appkey),
    merchants,
    channels: config.channels.filter((c) => channelIds.has(c.id)),
  };
}

export function canSeeMerchant(scope: ConsoleScope, appkey: string): boolean {
  return scope.appkeys === null || scope.appkeys.includes(appkey);
}

export function canSeeChannel(scope: ConsoleScope, channelId: string): boolean {
  return scope.channels.some((c) => c.id === channelId);
}

/** The channel ids a review query may read (null: all). */
export function channelIdsInScope(scope: ConsoleScope): string[] | null {
  return scope.appkeys === null ? null : scope.channels.map((c) => c.id);
}
