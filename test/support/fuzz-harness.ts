/**
 * Property-based fuzzing of every Paydesk route through the same handler functions the app routes export (no
 * Next.js): random methods, paths, query strings, bodies and headers, with real order ids and appkeys mixed in so the
 * input gets past the first checks. Two oracles, counted rather than thrown so the script can print them:
 *  - no answer is a 5xx;
 *  - unsigned input changes no state (orders and their statuses, payments, notifications are compared before and
 *    after every request; the clock is frozen so nothing expires on read).
 * Used small by lib/http/fuzz.test.ts and at 100,000 requests by scripts/fuzz.ts.
 */
import fc from "fast-check";
import type { Db } from "@/lib/storage/database";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { FUZZ_MERCHANTS, FUZZ_SECRET, fuzzConfigFile, ROUTES } from "./fuzz-routes";
import { signedCreateParams } from "./merchant-client";
import { openTestDatabase, testAppConfig, testContext, type TestDialect } from "./test-context";

export interface FuzzReport {
  requests: number;
  fiveXX: number;
  stateChanges: number;
  /** A few failing inputs, for the report. */
  examples: string[];
  byRoute: Record<string, number>;
}

async function digest(db: Db): Promise<string> {
  const statuses = await db.selectFrom("orders").select(["id", "status", "updated_at"]).orderBy("id").execute();
  const payments = await db
    .selectFrom("payments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  const notes = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return `${JSON.stringify(statuses)}|${payments?.n}|${notes?.n}`;
}

function requestArbitrary(orderIds: string[]): fc.Arbitrary<FuzzInput> {
  const known = fc.constantFrom(
    ...orderIds,
    ...FUZZ_MERCHANTS,
    "nosign",
    "sandbox",
    "alipay",
    "wxpay",
    "qqpay",
    "1.00",
    "0",
    "-1",
    "1e9",
    "pending",
    "30",
    "1000",
    "MD5",
    "",
  );
  const text = fc.oneof(
    known,
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.string({ unit: "binary", maxLength: 20 }),
  );
  const key = fc.oneof(
    fc.constantFrom(
      "appkey",
      "sign",
      "order_id",
      "out_order_id",
      "price",
      "type",
      "custom",
      "status",
      "wait",
      "amount",
      "trade_no",
      "id",
      "lang",
    ),
    // epay (docs/protocols/epay.md)
    fc.constantFrom(
      "pid",
      "out_trade_no",
      "notify_url",
      "return_url",
      "name",
      "money",
      "sign_type",
      "act",
      "key",
      "trade_no",
      "param",
    ),
    fc.string({ maxLength: 10 }),
  );
  const params = fc.dictionary(key, text, { maxKeys: 8 });
  const routeKey = fc.constantFrom(...Object.keys(ROUTES));
  const segment = fc.oneof(
    fc.constantFrom(
      ...orderIds,
      "sandbox",
      "gm",
      "pj",
      "jsj",
      "cp",
      "sw",
      "api",
      "nope",
      "createOrder",
      "getOrder",
      "checkOrder",
      "closeOrder",
      "getState",
    ),
    fc.string({ maxLength: 12 }),
  );
  const body = fc.oneof(
    params.map((p) => ({ type: "application/x-www-form-urlencoded", body: new URLSearchParams(p).toString() })),
    params.map((p) => ({ type: "application/json", body: JSON.stringify(p) })),
    fc.anything({ maxDepth: 2 }).map((v) => ({ type: "application/json", body: JSON.stringify(v) ?? "null" })),
    fc.string({ maxLength: 200 }).map((s) => ({ type: "application/json", body: s })),
    fc.record({
      type: fc.constantFrom("text/plain", "application/xml", ""),
      body: fc.string({ unit: "binary", maxLength: 200 }),
    }),
  );
  const headers = fc.record({
    "x-forwarded-for": fc.oneof(fc.ipV4(), fc.constant("")),
    "user-agent": fc.oneof(
      fc.constantFrom("MicroMessenger/8.0", "QQ/9.0 MQQBrowser", "AlipayClient/10", "Mozilla/5.0 (iPhone)"),
      fc.string({ maxLength: 30 }),
    ),
    "x-paydesk-csrf": fc.oneof(fc.constant(""), fc.string({ maxLength: 40 })),
    authorization: fc.oneof(fc.constant(""), fc.constant("Bearer nope"), fc.string({ maxLength: 30 })),
    origin: fc.oneof(fc.constant(""), fc.constant("https://evil.example"), fc.constant("http://paydesk.test")),
  });
  return fc.record({
    method: fc.constantFrom("GET", "POST", "POST", "PUT", "HEAD"),
    routeKey,
    segment,
    query: params,
    body,
    headers,
  });
}

interface FuzzInput {
  method: string;
  routeKey: string;
  segment: string;
  query: Record<string, string>;
  body: { type: string; body: string };
  headers: Record<string, string>;
}

function toRequest(input: FuzzInput): Request | null {
  const path = input.routeKey
    .replace("{channel}", encodeURIComponent(input.segment))
    .replace("{id}", encodeURIComponent(input.segment))
    .replace("{action}", encodeURIComponent(input.segment));
  const headers = new Headers();
  for (const [k, v] of Object.entries(input.headers)) if (v && /^[\t\x20-\x7e]*$/.test(v)) headers.set(k, v);
  if (input.body.type) headers.set("content-type", input.body.type);
  const url = `http://paydesk.test${path}?${new URLSearchParams(input.query)}`;
  const hasBody = input.method !== "GET" && input.method !== "HEAD";
  return new Request(url, { method: input.method, headers, body: hasBody ? input.body.body : undefined });
}

/** Runs `runs` random requests against a fresh database; `seed` makes a run repeatable. */
export async function runFuzz(opts: { runs: number; dialect: TestDialect; seed?: number }): Promise<FuzzReport> {
  const db = await openTestDatabase(opts.dialect);
  const ctx = testContext(db, testAppConfig(fuzzConfigFile));
  const create = merchantHandler(createOrder, () => Promise.resolve(ctx));
  const orderIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const body = new URLSearchParams(
      signedCreateParams(
        { price: "1.00", type: "alipay", out_order_id: `seed-${i}` },
        { appkey: "f1", appsecret: FUZZ_SECRET },
      ),
    );
    const res = (await (
      await create(new Request("http://paydesk.test/api/cloudpay/create", { method: "POST", body }))
    ).json()) as { data?: { order_id: string } };
    if (res.data) orderIds.push(res.data.order_id);
  }
  const report: FuzzReport = { requests: 0, fiveXX: 0, stateChanges: 0, examples: [], byRoute: {} };
  let before = await digest(db.db);
  await fc.assert(
    fc.asyncProperty(requestArbitrary(orderIds), async (input) => {
      const request = toRequest(input);
      if (!request) return;
      report.requests += 1;
      report.byRoute[input.routeKey] = (report.byRoute[input.routeKey] ?? 0) + 1;
      let status: number;
      try {
        status = (await ROUTES[input.routeKey]!(ctx, request, input.segment)).status;
      } catch (err) {
        status = 599; // a handler that throws is a 5xx for the client
        if (report.examples.length < 5) report.examples.push(`${input.routeKey} threw ${(err as Error).message}`);
      }
      if (status >= 500) {
        report.fiveXX += 1;
        if (report.examples.length < 5) report.examples.push(`${status} ${input.method} ${request.url}`);
      }
      const after = await digest(db.db);
      if (after !== before) {
        report.stateChanges += 1;
        if (report.examples.length < 5) report.examples.push(`state changed by ${input.method} ${request.url}`);
        before = after;
      }
    }),
    { numRuns: opts.runs, seed: opts.seed, endOnFailure: true },
  );
  await db.close();
  return report;
}
