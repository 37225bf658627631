import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { epayV2ApiHandler, epayV2SubmitHandler } from "@/lib/http/epay-v2-handler";
import { applyPayment } from "@/lib/orders/apply-payment";
import type { DatabaseHandle } from "@/lib/storage/database";
import { describeOnDatabases } from "@/test/support/databases";
import { signedV2Request, setUpEpayV2Keys } from "@/test/support/epay-v2-keys";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { EPAY_V2_ACTIONS, type EpayV2Action } from "./epay-v2-api";

/**
 * The V2 routes fuzzed past the signature: random fields, correctly signed with the shop's key and a fresh timestamp,
 * so every action's own checks see them (lib/http/fuzz.test.ts fuzzes the routes unsigned and mostly meets the
 * signature check). Nothing may answer a 5xx or the handler's `系统繁忙` (an error it did not expect).
 */

const { shopKeys, shopPublicPem } = setUpEpayV2Keys();
const PID = "3000";
const signed = (fields: Record<string, string>, now: number) =>
  signedV2Request(fields, now, { pid: PID, privateKey: shopKeys.privateKey });

describeOnDatabases("epay V2 signed fuzz", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  const orderIds: string[] = [];
  beforeAll(async () => {
    const file = testConfigFile();
    file.merchants[0]!.epay_v2 = {
      pid: PID,
      public_key: shopPublicPem,
      allowed_hosts: [],
    };
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
    for (let i = 0; i < 2; i++) {
      const res = await epayV2ApiHandler("pay/create", () => Promise.resolve(ctx))(
        new Request("http://paydesk.test/api/pay/create", {
          method: "POST",
          body: new URLSearchParams(
            signed(
              {
                type: "alipay",
                out_trade_no: `seed${i}`,
                notify_url: "https://shop.example/n",
                name: "n",
                money: "5.00",
              },
              ctx.now(),
            ),
          ),
        }),
      );
      orderIds.push(String(((await res.json()) as { trade_no: string }).trade_no));
      ctx.clock.advance(1000);
    }
    await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: `T-${orderIds[0]}`,
      amountFen: 500,
      match: { by: "order_id", orderId: orderIds[0]! },
      raw: {},
    });
  });
  afterAll(() => db.close());

  it("random signed fields on every V2 action: no 5xx, no unexpected error", async () => {
    const value = fc.oneof(
      fc.constantFrom(
        ...orderIds,
        "seed0",
        "seed1",
        "alipay",
        "wxpay",
        "qqpay",
        "web",
        "jump",
        "jsapi",
        "1.00",
        "5.00",
        "0",
        "-1",
        "1e9",
        "0.001",
        "99999999999999",
        "RF000001",
        "https://shop.example/n",
        "http://127.0.0.1/x",
        "javascript:alert(1)",
        "10",
        "100001",
        "",
      ),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: "grapheme", maxLength: 12 }),
    );
    const key = fc.constantFrom(
      "type",
      "out_trade_no",
      "trade_no",
      "notify_url",
      "return_url",
      "name",
      "money",
      "param",
      "method",
      "device",
      "clientip",
      "out_refund_no",
      "refund_no",
      "limit",
      "offset",
      "status",
    );
    const actions = [...(Object.keys(EPAY_V2_ACTIONS) as EpayV2Action[]), "pay/submit" as const];
    const failures: string[] = [];
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions), fc.dictionary(key, value, { maxKeys: 8 }), async (action, f) => {
        ctx.clock.advance(1000);
        const request = new Request(`http://paydesk.test/api/${action}`, {
          method: "POST",
          body: new URLSearchParams(signed(f, ctx.now())),
        });
        const res =
          action === "pay/submit"
            ? await epayV2SubmitHandler(() => Promise.resolve(ctx))(request)
            : await epayV2ApiHandler(action, () => Promise.resolve(ctx))(request);
        const text = await res.text();
        const code = res.status === 302 ? "302" : (/"code":(-?\d+)/.exec(text)?.[1] ?? String(res.status));
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (res.status >= 500 || text.includes("系统繁忙"))
          failures.push(`${action} ${JSON.stringify(f)} → ${res.status} ${text.slice(0, 120)}`);
      }),
      { numRuns: Number(process.env.V2_FUZZ_RUNS ?? (dialect === "sqlite" ? 400 : 150)), seed: 20261208 },
    );
    if (process.env.V2_FUZZ_RUNS) console.log(dialect, Object.fromEntries(codes));
    expect(failures).toEqual([]);
    // Past the signature: the actions answered on their own (code 0 or their -1 refusals), not only -3.
    expect(codes.get("0") ?? 0).toBeGreaterThan(10);
    expect(codes.get("-1") ?? 0).toBeGreaterThan(10);
  }, 120_000);
});
