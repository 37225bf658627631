/** Bench helpers: percentiles, a closed-loop HTTP load generator, and process figures from /proc (Linux). */
import fs from "node:fs";
import http from "node:http";
import { performance } from "node:perf_hooks";

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** "p50 12 ms, p95 30 ms, max 41 ms (n=200)". */
export function describeMs(values: readonly number[], ps: readonly number[] = [50, 95]): string {
  const parts = ps.map((p) => `p${p} ${percentile(values, p).toFixed(0)} ms`);
  return `${parts.join(", ")}, max ${Math.max(...values).toFixed(0)} ms (n=${values.length})`;
}

export const keepAlive = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

export interface Reply {
  status: number;
  body: string;
}

/** One HTTP request with node:http (no fetch overhead in the load generator); form body for POST. */
export function request(
  url: string,
  opts: { method?: string; form?: Record<string, string>; agent?: http.Agent; signal?: AbortSignal } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
    const req = http.request(
      url,
      {
        method: opts.method ?? (body ? "POST" : "GET"),
        agent: opts.agent ?? keepAlive,
        headers: body
          ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) }
          : {},
        signal: opts.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export interface LoadResult {
  perSecond: number;
  latencies: number[];
  errors: number;
}

/** `total` requests, `concurrency` in flight; `run(i)` performs request i. */
export async function closedLoop(
  total: number,
  concurrency: number,
  run: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        try {
          await run(i);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { perSecond: total / ((performance.now() - started) / 1000), latencies, errors };
}

/** For `seconds`, `concurrency` loops calling `run`; requests per second. */
export async function timedLoop(seconds: number, concurrency: number, run: () => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await run();
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), latencies, errors };
}

export function rate(r: LoadResult): string {
  return `${r.perSecond.toFixed(0)} req/s (p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms${r.errors ? `, ${r.errors} errors` : ""})`;
}

/** The pids of a process and all its descendants. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = fs.readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, "utf8").trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone
    }
  }
  return out;
}

/** Resident memory of a process tree, MiB. */
export function rssMiB(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      kb += m ? Number(m[1]) : 0;
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** CPU seconds (user + system) used so far by a process tree. */
export function cpuSeconds(pid: number): number {
  const tick = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const fields = fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / tick;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
