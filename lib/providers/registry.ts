import "server-only";
import { cloudpayProvider } from "@/lib/providers/cloudpay/cloudpay-provider";
import { gemafuProvider } from "@/lib/providers/gemafu/gemafu-provider";
import { jsjProvider } from "@/lib/providers/jsj/jsj-provider";
import { payjsProvider } from "@/lib/providers/payjs/payjs-provider";
import { sandboxProvider } from "@/lib/providers/sandbox/sandbox-provider";
import { sanwangProvider } from "@/lib/providers/sanwang/sanwang-provider";
import { vmqProvider } from "@/lib/providers/vmq/vmq-provider";
import { alipayF2fProvider } from "@/lib/providers/alipay-f2f/alipay-f2f-provider";
import { wechatV3Provider } from "@/lib/providers/wechat-v3/wechat-v3-provider";
import type { ChannelConfig, ChannelOf, ProviderName } from "@/lib/providers/config-schemas";
import type { PaymentProvider, ProviderDeps } from "@/lib/providers/types";

export { channelSchema, type ChannelConfig, type ProviderName } from "@/lib/providers/config-schemas";

/** A provider's factory for the channels of one name (its definition's schema is the one in config-schemas.ts). */
interface FactoryOf<N extends ProviderName> {
  create(channel: ChannelOf<N>, deps: ProviderDeps): PaymentProvider;
}

/**
 * The explicit, typed list of providers: adding one is its folder, its `config.ts` in config-schemas.ts and one line
 * here. Keyed by the names of the channel-config union, so a schema without a provider (or a provider without a
 * schema) does not compile.
 */
const PROVIDERS: { [N in ProviderName]: FactoryOf<N> } = {
  sandbox: sandboxProvider,
  gemafu: gemafuProvider,
  payjs: payjsProvider,
  cloudpay: cloudpayProvider,
  jsj: jsjProvider,
  sanwang: sanwangProvider,
  vmq: vmqProvider,
  "alipay-f2f": alipayF2fProvider,
  "wechat-v3": wechatV3Provider,
};

/** The schema each provider's definition carries, by name (registry.test.ts checks it is the union's). */
export const PROVIDER_SCHEMAS = {
  sandbox: sandboxProvider.schema,
  gemafu: gemafuProvider.schema,
  payjs: payjsProvider.schema,
  cloudpay: cloudpayProvider.schema,
  jsj: jsjProvider.schema,
  sanwang: sanwangProvider.schema,
  vmq: vmqProvider.schema,
  "alipay-f2f": alipayF2fProvider.schema,
  "wechat-v3": wechatV3Provider.schema,
} satisfies { [N in ProviderName]: unknown };

/** Binds a channel's configuration to its provider. */
export function providerFor(channel: ChannelConfig, deps: ProviderDeps): PaymentProvider {
  // Own keys only: a channel that skipped validation must not reach Object.prototype's members.
  const factory = Object.hasOwn(PROVIDERS, channel.provider)
    ? (PROVIDERS[channel.provider] as FactoryOf<ProviderName> | undefined)
    : undefined;
  if (!factory) throw new Error(`no provider named ${channel.provider}`);
  // The name and the channel's type agree by construction (the union is discriminated by `provider`).
  return (factory.create as (c: ChannelConfig, d: ProviderDeps) => PaymentProvider)(channel, deps);
}
