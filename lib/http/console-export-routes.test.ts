import { afterAll, beforeAll, expect, it } from "vitest";
import { CONSOLE_LANG_COOKIE } from "@/lib/console/console-locale";
import { CONSOLE_COOKIE, startConsoleSession } from "@/lib/console/console-session";
import { csvStream, EXPORT_PAGE_ROWS } from "@/lib/console/csv-export";
import type { DatabaseHandle } from "@/lib/storage/database";
import { toRow } from "@/lib/storage/order-rows";
import { markOrderPaid } from "@/lib/storage/orders-repo";
import { consolePasswordHash, consoleTestConfig } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { insertPendingOrder, testOrder } from "@/test/support/order-fixture";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { consoleExportRoutes } from "./console-export-routes";

const BOM = "\ufeff";

it("a cell starting with = + - @ is prefixed with ' (CSV injection); others are as they are", async () => {
  async function* one() {
    yield ["=1+1", "+86 10", "-2", "@SUM(A1)", "12.34", "a=b", "中文"];
  }
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(csvStream(one())).arrayBuffer());
  expect(text).toBe(`${BOM}'=1+1,'+86 10,'-2,'@SUM(A1),12.34,a=b,中文\r\n`);
});

describeOnDatabases("console CSV export", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    const base = consoleTestConfig([
      { name: "ops", password_hash: consolePasswordHash, merchants: ["k1"] },
      { name: "view", password_hash: consolePasswordHash, merchants: ["k1"] },
      { name: "other", password_hash: consolePasswordHash, merchants: ["k2"] },
    ]);
    const config = {
      ...base,
      consoleUsers: base.consoleUsers.map((u) => (u.name === "view" ? { ...u, role: "viewer" as const } : u)),
    };
    ctx = testContext(db, config);
    for (const u of config.consoleUsers)
      cookies[u.name] = `${CONSOLE_COOKIE}=${(await startConsoleSession(ctx, u)).sealed}`;
  });
  afterAll(() => db.close());

  const routes = () => consoleExportRoutes(() => Promise.resolve(ctx));
  const get = (route: keyof ReturnType<typeof routes>, path: string, cookie: string | null, extra = "") =>
    routes()[route](
      new Request(`http://paydesk.test${path}`, { headers: cookie === null ? {} : { cookie: `${cookie}${extra}` } }),
    );
  /** The body's lines (no field in these tests holds a newline), the BOM checked and taken off. */
  async function lines(res: Response): Promise<string[]> {
    // res.text() would drop the BOM (UTF-8 decoding skips it): decode the bytes keeping it, to see it is there.
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    return text.slice(1, -2).split("\r\n");
  }

  it("orders: zh-CN header, yuan, zoned times, the console's statuses, only the user's merchants", async () => {
    const ch = `csv-${dialect}`;
    const mine = await insertPendingOrder(db.db, {
      channel_id: ch,
      name: "测试商品",
      out_order_id: `=HYPERLINK("http://evil")-${dialect}`,
      price_fen: 1234,
      pay_amount_fen: 1234,
      created_at: Date.UTC(2026, 11, 8, 1, 15, 0),
      expires_at: Date.UTC(2026, 11, 8, 1, 20, 0),
    });
    expect(
      await markOrderPaid(db.db, mine.id, { realFen: 1234, paidAt: Date.UTC(2026, 11, 8, 1, 16, 0), late: false }),
    ).toBe(true);
    await insertPendingOrder(db.db, { channel_id: ch, appkey: "k2" });

    const res = await get("exportOrdersRoute", `/console/export/orders.csv?channel=${ch}&page=3`, cookies.ops!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="paydesk-orders-\d{4}-\d\d-\d\d\.csv"$/,
    );
    const [header, ...rows] = await lines(res);
    expect(header).toBe(
      "订单号,商户订单号,商户,通道,类型,商品名称,订单金额,应付金额,实收金额,状态,过期后支付,创建时间,支付时间",
    );
    expect(rows).toHaveLength(1);
    // The shop's text that would be a formula in a spreadsheet is prefixed with ' (and quoted: it holds quotes).
    expect(rows[0]).toBe(
      `${mine.id},"'=HYPERLINK(""http://evil"")-${dialect}",k1,${ch},支付宝,测试商品,12.34,12.34,12.34,已支付,否,` +
        "2026-12-08 09:15:00 +08:00,2026-12-08 09:16:00 +08:00",
    );
  });

  it("English when the console's language cookie says so; a filter narrows the rows", async () => {
    const ch = `en-${dialect}`;
    await insertPendingOrder(db.db, { channel_id: ch, expires_at: ctx.now() + 600_000 });
    await insertPendingOrder(db.db, { channel_id: ch, type: "wxpay", expires_at: ctx.now() + 600_000 });
    const res = await get(
      "exportOrdersRoute",
      `/console/export/orders.csv?channel=${ch}&type=wxpay`,
      cookies.ops!,
      `; ${CONSOLE_LANG_COOKIE}=en`,
    );
    const [header, ...rows] = await lines(res);
    expect(header!.split(",")[0]).toBe("Order");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(",WeChat Pay,");
    expect(rows[0]).toContain(",Pending,");
  });

  it("streams every row across many repository pages, for a viewer too", async () => {
    const ch = `many-${dialect}`;
    const n = EXPORT_PAGE_ROWS * 2 + 7;
    const rows = Array.from({ length: n }, (_, i) =>
      toRow(testOrder({ channel_id: ch, status: "pending", created_at: 1_900_000_000_000 + (i % 50) })),
    );
    for (let i = 0; i < rows.length; i += 200)
      await db.db
        .insertInto("orders")
        .values(rows.slice(i, i + 200))
        .execute();
    const res = await get("exportOrdersRoute", `/console/export/orders.csv?channel=${ch}`, cookies.view!);
    expect(res.status).toBe(200);
    const [, ...body] = await lines(res);
    expect(body).toHaveLength(n);
    expect(new Set(body.map((l) => l.split(",")[0])).size).toBe(n);
  });

  it("refuses a merchant outside the user's scope, and filters to it otherwise", async () => {
    const refused = await get("exportOrdersRoute", "/console/export/orders.csv?merchant=k2", cookies.ops!);
    expect(refused.status).toBe(403);
    const res = await get("exportOrdersRoute", "/console/export/orders.csv", cookies.other!);
    const [, ...rows] = await lines(res);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.split(",")[2] === "k2")).toBe(true);
  });

  it("without a session: back to the login page, no CSV", async () => {
    const res = await get("exportOrdersRoute", "/console/export/orders.csv", null);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/login");
    const stale = await get("exportAuditRoute", "/console/export/audit.csv", `${CONSOLE_COOKIE}=Fe26.2**bogus`);
    expect(stale.headers.get("location")).toBe("/console/login?expired=1");
  });

  it("payments, refunds and audit: their headers in the console's words", async () => {
    const heads = {
      exportPaymentsRoute: "编号,到账时间,通道,交易号,订单号,商户,金额,状态,原因",
      exportRefundsRoute: "退款单号,订单号,商户,通道,金额,状态,退款原因,说明,失败原因,操作人,时间,更新时间",
      exportAuditRoute: "时间,操作员,操作,商户,订单号,原因,详情",
    } as const;
    for (const [route, head] of Object.entries(heads) as [keyof typeof heads, string][]) {
      const res = await get(route, "/console/export/x.csv?from=bad&to=2026-01-01", cookies.view!);
      expect(res.status).toBe(200);
      expect((await lines(res))[0]).toBe(head);
    }
  });
});
