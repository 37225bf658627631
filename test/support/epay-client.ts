import { createHash } from "node:crypto";
import { serveFetch, type RunningServer } from "./http-server";

/**
 * Shop-side epay clients for tests, written from docs/protocols/epay.md (how each family of shop software behaves, not
 * its code): the official SDK and dujiaoka sign without empty fields, v2board/Xboard and SSPanel sign them too. The
 * signing here is deliberately a separate implementation from Paydesk's, so a bug there is not mirrored here.
 */

export const EPAY_MERCHANT = { pid: "1000", key: "k9Qm2Vx7Lp4Rt8Wz1Yb6Nc3Hd5Jf0Gs" } as const;

export type ClientKind = "sdk" | "v2board" | "dujiaoka" | "sspanel";

const SIGNS_EMPTY: Record<ClientKind, boolean> = { sdk: false, dujiaoka: false, v2board: true, sspanel: true };

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** `md5(k1=v1&k2=v2… + key)` over the sorted fields, empty ones kept or dropped as this client does. */
export function clientSign(fields: Record<string, string>, key: string, signEmpty: boolean): string {
  const keys = Object.keys(fields)
    .filter((k) => k !== "sign" && k !== "sign_type" && (signEmpty || fields[k] !== ""))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return md5(keys.map((k) => `${k}=${fields[k]}`).join("&") + key);
}

export function signedRequest(
  kind: ClientKind,
  fields: Record<string, string>,
  merchant: { pid: string; key: string } = EPAY_MERCHANT,
): Record<string, string> {
  const all = { pid: merchant.pid, ...fields };
  return { ...all, sign: clientSign(all, merchant.key, SIGNS_EMPTY[kind]), sign_type: "MD5" };
}

/**
 * How a client checks a notify or return: from the query string only (a POSTed notify would fail here), over every
 * query parameter it received, as that client signs (PHP's `$_GET`).
 */
export function clientVerifies(kind: ClientKind, url: string, key: string = EPAY_MERCHANT.key): boolean {
  const query = Object.fromEntries(new URL(url).searchParams);
  return query.sign_type === "MD5" && clientSign(query, key, SIGNS_EMPTY[kind]) === query.sign;
}

/** Money compared as a shop does (dujiaoka's bccomp): numerically in fen, whatever the spelling. */
export function sameMoney(a: string, b: string): boolean {
  const fen = (s: string) => {
    const [whole = "0", dec = ""] = s.split(".");
    return Number(whole) * 100 + Number(dec.padEnd(2, "0").slice(0, 2));
  };
  return fen(a) === fen(b);
}

export interface ShopHit {
  method: string;
  url: string;
  query: Record<string, string>;
  verified: boolean;
}

/**
 * A shop's notify route as dujiaoka has it: GET only (anything else is 405), verified from the query string,
 * answered `success` (or `fail` when told).
 */
export class EpayShop {
  readonly hits: ShopHit[] = [];
  answer: "success" | "fail" = "success";
  private server?: RunningServer;

  constructor(private readonly verifier: ClientKind = "dujiaoka") {}

  get url(): string {
    if (!this.server) throw new Error("shop not started");
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await serveFetch(async (request) => {
      const verified = request.method === "GET" && clientVerifies(this.verifier, request.url);
      this.hits.push({
        method: request.method,
        url: request.url,
        query: Object.fromEntries(new URL(request.url).searchParams),
        verified,
      });
      if (request.method !== "GET") return new Response("method not allowed", { status: 405 });
      return new Response(verified ? this.answer : "fail");
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}
