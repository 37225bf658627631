import type { ProviderAck } from "@/lib/providers/types";

const TEXT = "text/plain; charset=utf-8";

/**
 * A plain-text answer to a provider's notification: the body each provider documents as "received" or "retry" (most
 * read only the body; some judge delivery by the status too, hence `status`).
 */
export function textAck(body: string, status = 200): ProviderAck {
  return { status, body, contentType: TEXT };
}
