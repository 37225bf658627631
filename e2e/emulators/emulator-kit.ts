import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Shared plumbing of the provider emulators: a tiny HTTP server, fault switches and notify delivery. Deliberately
 * independent of lib/ (no imports from it): the emulators re-implement every protocol from docs/providers/,
 * docs/protocols/ and the seeds, so a signing bug in Paydesk cannot be mirrored by the emulator it is tested against.
 */

export function md5Hex(input: string): string {
  return createHash("md5").update(input, "utf8").digest("hex");
}

/** Switches that make the emulator misbehave the ways real providers do. */
export interface EmulatorFaults {
  /** Wait this long before answering any API request (a slow upstream). */
  delayMs: number;
  /** Answer API requests with this HTTP status and an HTML error page (e.g. 502). */
  httpStatus: number | null;
  /** Answer API requests with a body that is not JSON. */
  garbage: boolean;
  /** Answer API requests with the provider's own error envelope carrying this message. */
  errorMessage: string | null;
}

export const NO_FAULTS: EmulatorFaults = { delayMs: 0, httpStatus: null, garbage: false, errorMessage: null };

/** The fault switches an emulator exposes to its tests. */
export interface FaultSwitches {
  /** One object for the emulator's whole life, changed in place: its routes read it on every request. */
  faults: EmulatorFaults;
  setFaults(f: Partial<EmulatorFaults>): void;
}

/** Fresh switches, all off; spread them into the emulator's handle and keep `faults` in its state. */
export function faultSwitches(): FaultSwitches {
  const faults = { ...NO_FAULTS };
  return {
    faults,
    setFaults(f) {
      Object.assign(faults, f);
    },
  };
}

export interface EmulatorRequest {
  method: string;
  url: URL;
  contentType: string;
  body: string;
}

export interface EmulatorResponse {
  status: number;
  body: string;
  contentType?: string;
  /** For a redirect (a shop sending its payer on). */
  location?: string;
}

export interface EmulatorServer {
  url: string;
  close(): Promise<void>;
}

export const json = (value: unknown, status = 200): EmulatorResponse => ({
  status,
  body: JSON.stringify(value),
  contentType: "application/json; charset=utf-8",
});

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a server on 127.0.0.1 (random port unless given). `faults` is read on every request: the transport-level
 * faults (delay, HTTP status, garbage) are applied here; `errorMessage` is left to the provider's own envelope.
 */
export async function startEmulatorServer(
  handler: (req: EmulatorRequest) => Promise<EmulatorResponse>,
  faults: () => EmulatorFaults,
  port = 0,
): Promise<EmulatorServer> {
  // The port is read once at listen: a delayed answer may run after close(), when server.address() is null.
  let listening = port;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const f = faults();
        if (f.delayMs > 0) await sleep(f.delayMs);
        let out: EmulatorResponse;
        if (f.httpStatus !== null)
          out = { status: f.httpStatus, body: "<html><body>Bad Gateway</body></html>", contentType: "text/html" };
        else if (f.garbage)
          out = { status: 200, body: "<?php echo $result; ?> Warning: mysql_connect()", contentType: "text/html" };
        else {
          out = await handler({
            method: req.method ?? "GET",
            url: new URL(req.url ?? "/", `http://127.0.0.1:${listening}`),
            contentType: req.headers["content-type"] ?? "",
            body: Buffer.concat(chunks).toString("utf8"),
          }).catch((err: unknown) => ({ status: 500, body: String(err) }));
        }
        // The client may have given up already (a timeout test); writing to a destroyed socket is harmless.
        if (res.destroyed) return;
        res.writeHead(out.status, {
          "Content-Type": out.contentType ?? "text/plain; charset=utf-8",
          ...(out.location ? { Location: out.location } : {}),
        });
        res.end(out.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  listening = actual;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the merchant side answered to one notify. */
export interface NotifyAck {
  status: number;
  body: string;
}

/** Sends one notify as the provider would and reports the merchant's answer. */
export async function sendNotify(url: string, body: string, contentType: string): Promise<NotifyAck> {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": contentType }, body, redirect: "manual" });
  return { status: res.status, body: await res.text() };
}

/** Sends a notify once, then `duplicates` identical times right after it (PayOptions.duplicates). */
export async function notifyWithDuplicates(send: () => Promise<NotifyAck>, duplicates = 0): Promise<NotifyAck[]> {
  const acks = [await send()];
  for (let i = 0; i < duplicates; i++) acks.push(await send());
  return acks;
}

/** The body of an order's last notify, for a repush; an order never notified is a test's mistake. */
export function lastNotifyOf(o: { lastNotify?: string }, emulator: string, ref: string | number): string {
  if (!o.lastNotify) throw new Error(`${emulator} emulator: order ${ref} was never notified`);
  return o.lastNotify;
}

/** Parses a form or JSON request body into string fields (emulators accept what the real platforms accept). */
export function readFields(req: EmulatorRequest): Record<string, string> {
  const fields: Record<string, string> = Object.fromEntries(req.url.searchParams);
  if (!req.body) return fields;
  if (req.contentType.includes("json") || req.body.trimStart().startsWith("{")) {
    const parsed = JSON.parse(req.body) as Record<string, unknown>;
    for (const [k, v] of Object.entries(parsed)) if (v !== null && typeof v !== "object") fields[k] = String(v);
    return fields;
  }
  for (const [k, v] of new URLSearchParams(req.body)) fields[k] = v;
  return fields;
}

/** Options every `pay()` understands. */
export interface PayOptions {
  /** Fen to report as paid instead of the amount asked (a short or long payment). */
  amountFen?: number;
  /** Corrupt the signature (a forged notify, or a wrong key on one side). */
  badSignature?: boolean;
  /** Send the identical notify this many extra times right after the first (the provider's retries). */
  duplicates?: number;
}
