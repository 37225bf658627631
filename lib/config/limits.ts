import { z } from "zod";

/**
 * Abuse limits (config file key `limits`, every field optional). Defaults are sized for one shop's real traffic: a
 * payer's page costs one held poll at a time plus a few page actions; a shop's server signs correctly. Windows are
 * one minute. Documented in README ("Security and operations").
 */
export const limitsSchema = z
  .object({
    /** Largest request body Paydesk reads, in bytes (merchant API, provider notifies, sandbox). Larger → 413. */
    max_body_bytes: z
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(64 * 1024),
    /** Requests per minute one IP may make to payer endpoints (cashier page, its actions, the nosign query). */
    payer_per_ip_per_minute: z.number().int().min(1).max(1_000_000).default(600),
    /** Wrong merchant signatures per minute for one appkey before further wrong ones are answered 429. */
    failed_signs_per_appkey_per_minute: z.number().int().min(1).max(1_000_000).default(60),
    /** Wrong merchant signatures per minute from one IP before that IP's merchant requests are answered 429. */
    failed_signs_per_ip_per_minute: z.number().int().min(1).max(1_000_000).default(30),
    /** Rejected provider notifies per minute from one IP before it gets the provider's retry answer (HTTP 429). */
    rejected_notifies_per_ip_per_minute: z.number().int().min(1).max(1_000_000).default(60),
    /** Rejected notifies logged in full per minute per channel; beyond that one in `log_sample_every` is logged. */
    rejected_notify_logs_per_minute: z.number().int().min(0).max(100_000).default(20),
    log_sample_every: z.number().int().min(1).max(1_000_000).default(100),
    /**
     * Reverse proxies in front of Paydesk. 0: the client is the socket address and no header is read. N: the client
     * is the Nth address from the right of `X-Forwarded-For` (else `X-Real-IP`) with the socket address appended,
     * the address the outermost trusted proxy saw (lib/http/client-ip.ts).
     */
    proxy_hops: z.number().int().min(0).max(10).default(0),
  })
  .strict();

export type Limits = z.infer<typeof limitsSchema>;

export const DEFAULT_LIMITS: Limits = limitsSchema.parse({});
