import "server-only";
import { z } from "zod";
import { cloudpayProvider } from "@/lib/providers/cloudpay/cloudpay-provider";
import { gemafuProvider } from "@/lib/providers/gemafu/gemafu-provider";
import { jsjProvider } from "@/lib/providers/jsj/jsj-provider";
import { payjsProvider } from "@/lib/providers/payjs/payjs-provider";
import { sandboxProvider } from "@/lib/providers/sandbox/sandbox-provider";
import { sanwangProvider } from "@/lib/providers/sanwang/sanwang-provider";
import { vmqProvider } from "@/lib/providers/vmq/vmq-provider";
import type { PaymentProvider, ProviderDefinition, ProviderDeps } from "@/lib/providers/types";
import type { Repositories } from "@/lib/storage/repositories";

/**
 * The explicit, typed list of providers: adding one is its folder plus one line here. The channel-config union and
 * the factory lookup below are both built from this list.
 */
const PROVIDERS = [
  sandboxProvider,
  gemafuProvider,
  payjsProvider,
  cloudpayProvider,
  jsjProvider,
  sanwangProvider,
  vmqProvider,
] as const;

// A homomorphic mapped type keeps the tuple shape only when it is generic over the tuple, hence the helper.
type SchemasOf<T extends readonly { schema: unknown }[]> = { -readonly [K in keyof T]: T[K]["schema"] };
type Schemas = SchemasOf<typeof PROVIDERS>;

/** Every channel kind Paydesk knows, told apart by `provider` (validated once, in lib/config.ts). */
export const channelSchema = z.discriminatedUnion("provider", PROVIDERS.map((p) => p.schema) as unknown as Schemas);

export type ChannelConfig = z.infer<typeof channelSchema>;
export type ProviderName = ChannelConfig["provider"];

const byName = new Map<string, ProviderDefinition>(
  PROVIDERS.map((p) => [p.schema.shape.provider.value, p as unknown as ProviderDefinition]),
);

/** What every provider gets: the fetch to use and the repositories of the provider state kept in lib/storage. */
export function providerDeps(repos: Repositories, fetchImpl: typeof fetch): ProviderDeps {
  return { fetch: fetchImpl, qrCache: repos.qrCache, amounts: repos.amounts, monitors: repos.monitors };
}

/** Binds a channel's configuration to its provider. */
export function providerFor(channel: ChannelConfig, deps: ProviderDeps): PaymentProvider {
  const definition = byName.get(channel.provider);
  if (!definition) throw new Error(`no provider named ${channel.provider}`);
  return definition.create(channel, deps);
}
