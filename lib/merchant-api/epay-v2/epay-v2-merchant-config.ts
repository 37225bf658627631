import type { z } from "zod";
import type { epayV2MerchantSchema } from "@/lib/config/schema";

/**
 * A merchant's `epay_v2` block (lib/config/schema.ts `epayV2MerchantSchema`, where the config's schemas live: the
 * config layer imports nothing above it). Absent = V2 off for that merchant.
 */
export type EpayV2MerchantConfig = z.infer<typeof epayV2MerchantSchema>;

export { epayV2MerchantSchema } from "@/lib/config/schema";
