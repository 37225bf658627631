import { z } from "zod";
import { cloudpayChannelSchema } from "@/lib/providers/cloudpay/config";
import { gemafuChannelSchema } from "@/lib/providers/gemafu/config";
import { jsjChannelSchema } from "@/lib/providers/jsj/config";
import { payjsChannelSchema } from "@/lib/providers/payjs/config";
import { sandboxChannelSchema } from "@/lib/providers/sandbox/config";
import { sanwangChannelSchema } from "@/lib/providers/sanwang/config";
import { vmqChannelSchema } from "@/lib/providers/vmq/config";
import { alipayF2fChannelSchema } from "@/lib/providers/alipay-f2f/config";
import { wechatV3ChannelSchema } from "@/lib/providers/wechat-v3/config";

/**
 * The channel-config union, assembled from each provider folder's `config.ts` (schemas only). lib/config validates
 * the config file with it without loading any provider's code (signing, HTTP, storage calls): this file imports
 * nothing but `config.ts` files, and ESLint keeps it that way. lib/providers/registry.ts pairs each name with its
 * provider, and the compiler refuses a schema here without a provider there (or the reverse).
 */
export const channelSchema = z.discriminatedUnion("provider", [
  sandboxChannelSchema,
  gemafuChannelSchema,
  payjsChannelSchema,
  cloudpayChannelSchema,
  jsjChannelSchema,
  sanwangChannelSchema,
  vmqChannelSchema,
  alipayF2fChannelSchema,
  wechatV3ChannelSchema,
]);

/** Every channel kind Paydesk knows, told apart by `provider` (validated once, in lib/config/schema.ts). */
export type ChannelConfig = z.infer<typeof channelSchema>;
export type ProviderName = ChannelConfig["provider"];
/** The configuration of one provider's channels. */
export type ChannelOf<N extends ProviderName> = Extract<ChannelConfig, { provider: N }>;
