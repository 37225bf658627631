import "server-only";
import type { z } from "zod";
import { UpstreamError } from "@/lib/providers/types";

/** How much of an unexpected upstream body is quoted in an error (it reaches the merchant as code 208). */
const QUOTE_LIMIT = 80;

/**
 * One upstream HTTP call for a provider adapter: transport failures and non-2xx answers become `UpstreamError`s
 * named after the provider, so the merchant sees which upstream failed and why. The body is returned as text so
 * each provider parses (and verifies) it its own way.
 */
export async function upstreamText(
  fetchFn: typeof fetch,
  label: string,
  url: string,
  init: RequestInit & { signal: AbortSignal },
): Promise<string> {
  let res: Response;
  let text: string;
  try {
    res = await fetchFn(url, { ...init, redirect: "error" });
    text = await res.text();
  } catch (err) {
    if (init.signal.aborted) throw new UpstreamError(`${label}：请求超时`);
    const e = err as Error & { cause?: { code?: string } };
    throw new UpstreamError(`${label}：无法连接（${e.cause?.code ?? e.message}）`);
  }
  if (res.status < 200 || res.status >= 300) throw new UpstreamError(`${label}：HTTP ${res.status}`);
  return text;
}

/** Parses a JSON reply and validates it; garbage becomes an `UpstreamError` quoting the start of the body. */
export function parseUpstreamJson<S extends z.ZodType>(label: string, text: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UpstreamError(`${label}：无法解析的应答（${text.slice(0, QUOTE_LIMIT)}）`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    throw new UpstreamError(`${label}：应答格式不符（${where}）`);
  }
  return parsed.data;
}
