import { z } from "zod";
import { sandboxChannelSchema } from "@/lib/providers/sandbox/config";
import { gemafuChannelSchema } from "@/lib/providers/gemafu/config";
import { payjsChannelSchema } from "@/lib/providers/payjs/config";
import { cloudpayChannelSchema } from "@/lib/providers/cloudpay/config";
import { jsjChannelSchema } from "@/lib/providers/jsj/config";
import { sanwangChannelSchema } from "@/lib/providers/sanwang/config";

/**
 * Every channel kind Paydesk knows, told apart by `provider`. A new provider adds its schema here and its factory to
 * lib/providers/registry.ts.
 */
export const channelSchema = z.discriminatedUnion("provider", [sandboxChannelSchema, gemafuChannelSchema, payjsChannelSchema, cloudpayChannelSchema, jsjChannelSchema, sanwangChannelSchema]);

export type ChannelConfig = z.infer<typeof channelSchema>;
export type ProviderName = ChannelConfig["provider"];
