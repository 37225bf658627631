import { z } from "zod";
import { parseRsaPublicKey } from "./epay-v2-sign";

/**
 * The 彩虹易支付 V2 API of a merchant (docs/protocols/epay.md#v2-credentials, `/api/pay/*`, `/api/merchant/*`); absent =
 * V2 off for that merchant. A merchant speaks V1 (`epay`), V2 (`epay_v2`) or both; with both, `pid` is the same
 * number (the shop knows one merchant id). `public_key` is the shop's RSA public key (PEM or the bare base64 that
 * 彩虹易支付's merchant page shows): it verifies the shop's requests. `allowed_hosts` as for epay: hosts the shop's
 * per-request notify URLs may reach although they are loopback or private.
 */
export const epayV2MerchantSchema = z
  .object({
    pid: z.string().regex(/^\d{1,16}$/, 'must be digits, like "1000"'),
    public_key: z
      .string()
      .min(1)
      .max(4096)
      .superRefine((key, ctx) => {
        const parsed = parseRsaPublicKey(key);
        if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
      }),
    allowed_hosts: z.array(z.string().min(1).max(255)).default([]),
  })
  .strict();

export type EpayV2MerchantConfig = z.infer<typeof epayV2MerchantSchema>;
