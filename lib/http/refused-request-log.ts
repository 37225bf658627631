import type { Logger } from "pino";
import type { Limits } from "@/lib/config/limits";
import { LogSampler } from "@/lib/log-sampler";

/**
 * Requests refused at the edge before any handler ran (a path with a malformed percent-escape, a wrong method on a
 * static file, a body too slow to arrive): a client's mistake or a scanner's noise, not a server error. Logged as
 * warnings, sampled like rejected notifies (`limits.rejected_notify_logs_per_minute` in full per minute per kind,
 * then one in `log_sample_every` with the skipped count), so a fuzzer cannot fill the disk.
 */
export interface RefusedRequest {
  kind: "bad_path" | "method_not_allowed" | "body_timeout";
  method: string;
  /** The raw path (no query string: it may carry signatures), cut to 200 characters. */
  path: string;
}

const samplers = new WeakMap<Limits, LogSampler>();

export function logRefusedRequest(log: Logger, limits: Limits, refused: RefusedRequest, now = Date.now()): void {
  let sampler = samplers.get(limits);
  if (!sampler)
    samplers.set(limits, (sampler = new LogSampler(limits.rejected_notify_logs_per_minute, limits.log_sample_every)));
  const skipped = sampler.take(refused.kind, now);
  if (skipped === null) return;
  const path = refused.path.split("?")[0]?.slice(0, 200) ?? "";
  log.warn({ kind: refused.kind, method: refused.method.slice(0, 16), path, skipped }, "request refused at the edge");
}
