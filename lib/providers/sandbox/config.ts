import { z } from "zod";
import { channelBaseSchema } from "@/lib/channels/base-schema";

/** The sandbox channel: demo and tests. `key` signs its notifications (DESIGN §1.2). */
export const sandboxChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("sandbox"),
    key: z.string().min(1).default("sandbox"),
  })
  .strict();

export type SandboxChannel = z.infer<typeof sandboxChannelSchema>;
