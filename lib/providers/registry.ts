import "server-only";
import type { ChannelConfig, ProviderName } from "@/lib/channels/channel-schema";
import { sandboxProvider } from "@/lib/providers/sandbox/sandbox-provider";
import { gemafuProvider } from "@/lib/providers/gemafu/gemafu-provider";
import { payjsProvider } from "@/lib/providers/payjs/payjs-provider";
import { cloudpayProvider } from "@/lib/providers/cloudpay/cloudpay-provider";
import { jsjProvider } from "@/lib/providers/jsj/jsj-provider";
import { sanwangProvider } from "@/lib/providers/sanwang/sanwang-provider";
import type { PaymentProvider, ProviderDefinition, ProviderDeps } from "@/lib/providers/types";

type Registry = { [P in ProviderName]: ProviderDefinition<Extract<ChannelConfig, { provider: P }>> };

/** The explicit, typed list of providers. Adding one = its folder + a line here + its schema in channel-schema.ts. */
export const providerRegistry: Registry = {
  sandbox: sandboxProvider,
  gemafu: gemafuProvider,
  payjs: payjsProvider,
  cloudpay: cloudpayProvider,
  jsj: jsjProvider,
  sanwang: sanwangProvider,
};

/** Binds a channel's configuration to its provider. */
export function providerFor(channel: ChannelConfig, deps: ProviderDeps): PaymentProvider {
  const definition = providerRegistry[channel.provider] as ProviderDefinition<ChannelConfig>;
  return definition.create(channel, deps);
}
