import { z } from "zod";

/**
 * The V免签 merchant API of a merchant (docs/protocols/vmq.md#credentials, `/vmq/{appkey}/…`); absent = off for that
 * merchant. `key` is the communication key the shop signs with; `allowed_hosts` as for epay: hosts the shop's
 * per-request `notifyUrl`/`returnUrl` may reach although they are loopback or private.
 */
export const vmqMerchantSchema = z
  .object({
    key: z.string().min(16, "must be at least 16 characters").max(128),
    allowed_hosts: z.array(z.string().min(1).max(255)).default([]),
  })
  .strict();
