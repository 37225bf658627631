import "server-only";
import type { AppContext } from "@/lib/context";
import { platformKey } from "./epay-v2-platform-key";
import { epayV2Sign } from "./epay-v2-sign";

/** An answer's fields before signing: strings and numbers are signed, arrays (an order list's `data`) are not. */
export type EpayV2Fields = Record<string, string | number | null | readonly object[]>;

/**
 * The fields the V2 signature covers, as the shop's SDK reads them from the decoded JSON: scalars as their string,
 * empty and null values and arrays left out (docs/protocols/epay-v2.md#signatures).
 */
export function signedScalars(fields: EpayV2Fields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || typeof v === "object") continue;
    const s = String(v);
    if (s !== "") out[k] = s;
  }
  return out;
}

/**
 * An answer as the 彩虹易支付 server sends every signed V2 answer: its fields plus `timestamp` (now, 10 digits),
 * `sign_type` RSA and `sign` with Paydesk's platform key.
 */
export function signedAnswer(ctx: Pick<AppContext, "now">, fields: EpayV2Fields): EpayV2Fields {
  const withTime: EpayV2Fields = { ...fields, timestamp: String(Math.floor(ctx.now() / 1000)) };
  return { ...withTime, sign_type: "RSA", sign: epayV2Sign(signedScalars(withTime), platformKey().privateKey) };
}
