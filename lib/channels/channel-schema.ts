import { z } from "zod";
import { sandboxChannelSchema } from "@/lib/providers/sandbox/config";

/**
 * Every channel kind Paydesk knows, told apart by `provider`. A new provider adds its schema here and its factory to
 * lib/providers/registry.ts.
 */
export const channelSchema = z.discriminatedUnion("provider", [sandboxChannelSchema]);

export type ChannelConfig = z.infer<typeof channelSchema>;
export type ProviderName = ChannelConfig["provider"];
