import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AppConfig } from "@/lib/config/load";
import { logoutUser } from "@/lib/admin/admin-commands";
import { CONSOLE_COOKIE, readConsoleSession } from "@/lib/console/console-session";
import { hashPassword } from "@/lib/console/password";
import { applyPayment } from "@/lib/orders/apply-payment";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { CONSOLE_PASSWORD, consolePasswordHash, consoleTestConfig } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { dropTestSchema, TEST_PG_URL, testContext, type TestContext } from "@/test/support/test-context";
import { requestCookie } from "./console-handler";
import { consoleRoutes } from "./console-routes";

/**
 * Two instances (two contexts, each with its own database handle) on one database: a session ended on one must be
 * refused by the other at once, for reading a page and for acting.
 */
describeOnDatabases("console sessions across two instances", (dialect) => {
  const handles: DatabaseHandle[] = [];
  const schema = `paydesk_test_${randomBytes(6).toString("hex")}`;
  const file = path.join(os.tmpdir(), `paydesk-test-${randomBytes(6).toString("hex")}.db`);
  const config = consoleTestConfig([
    { name: "ops", password_hash: consolePasswordHash, merchants: ["k1"] },
    { name: "audit", password_hash: consolePasswordHash, merchants: "*" },
  ]);
  let a: TestContext;
  let b: TestContext;
  let seq = 0;

  beforeAll(async () => {
    // One after the other: the first open migrates, the second finds the schema up to date.
    for (let i = 0; i < 2; i++) {
      handles.push(
        dialect === "sqlite"
          ? await openDatabase(`file:${file}`)
          : await openDatabase(TEST_PG_URL, { pgSchema: schema }),
      );
    }
    a = testContext(handles[0]!, config);
    b = testContext(handles[1]!, config);
  });
  afterAll(async () => {
    for (const h of handles) await h.close();
    if (dialect === "postgres") await dropTestSchema(schema);
  });

  const routes = (ctx: TestContext, cfg: AppConfig = config) =>
    consoleRoutes(() => Promise.resolve(cfg === config ? ctx : { ...ctx, config: cfg }));
  const form = (fields: Record<string, string>, cookie?: string) =>
    new Request("http://paydesk.test/console/x", {
      method: "POST",
      headers: cookie ? { cookie: `${CONSOLE_COOKIE}=${cookie}` } : {},
      body: new URLSearchParams(fields),
    });
  /** What every console page does first (lib/console/page-auth.ts): the session behind the cookie, or null. */
  const pageSession = (ctx: TestContext, cookie: string, cfg: AppConfig = config) =>
    readConsoleSession({ ...ctx, config: cfg }, cookie);

  async function login(ctx: TestContext, name = "ops"): Promise<string> {
    const res = await routes(ctx).loginRoute(form({ name, password: CONSOLE_PASSWORD }));
    expect(res.headers.get("location")).toBe("/console");
    const cookie = requestCookie(
      new Request("http://x/", { headers: { cookie: res.headers.get("set-cookie")!.split(";")[0]! } }),
      CONSOLE_COOKIE,
    );
    expect(cookie).toBeTruthy();
    return cookie!;
  }
  /** A stray payment on k1's channel `a`, waiting for review (an operator scoped to k1 may dismiss it). */
  async function strayPayment(): Promise<number> {
    const tradeNo = `${dialect}-stray-${++seq}`;
    await applyPayment(a, {
      channelId: "a",
      tradeNo,
      amountFen: 100,
      match: { by: "order_id", orderId: "no-such-order" },
      raw: {},
    });
    const payment = await a.repos.payments.findPayment("a", tradeNo);
    expect(payment?.status).toBe("unmatched");
    return payment!.id;
  }
  const dismiss = (ctx: TestContext, cookie: string, csrf: string, paymentId: number) =>
    routes(ctx).dismissRoute(form({ csrf, payment_id: String(paymentId), reason: "test" }, cookie));
  const paymentStatus = async (id: number) => (await a.repos.payments.findPaymentById(id))?.status;

  it("a copied cookie is refused on every instance after logout, for pages and for actions", async () => {
    const cookie = await login(a);
    const session = await pageSession(b, cookie);
    expect(session).toMatchObject({ user: "ops" });
    const csrf = session!.csrf;

    // Before the logout the cookie acts on the other instance too.
    const first = await strayPayment();
    expect((await dismiss(b, cookie, csrf, first)).headers.get("location")).toBe("/console/review?msg=dismissed");
    expect(await paymentStatus(first)).toBe("dismissed");

    const out = await routes(a).logoutRoute(form({ csrf }, cookie));
    expect(out.headers.get("location")).toBe("/console/login?out=1");

    const second = await strayPayment();
    for (const ctx of [a, b]) {
      expect(await pageSession(ctx, cookie)).toBeNull();
      const res = await dismiss(ctx, cookie, csrf, second);
      expect(res.headers.get("location")).toBe("/console/login?expired=1");
    }
    expect(await paymentStatus(second)).toBe("unmatched");
    // Logging out again with the dead cookie changes nothing and still lands on the login page.
    expect((await routes(b).logoutRoute(form({ csrf }, cookie))).headers.get("location")).toBe(
      "/console/login?expired=1",
    );
  });

  it("revokeUserSessions ends every session of one user on every instance, and no one else's", async () => {
    const onA = await login(a);
    const onB = await login(b);
    const other = await login(a, "audit");
    expect(await b.repos.consoleSessions.revokeUserSessions("ops")).toBe(2);
    for (const ctx of [a, b]) {
      expect(await pageSession(ctx, onA)).toBeNull();
      expect(await pageSession(ctx, onB)).toBeNull();
      expect(await pageSession(ctx, other)).toMatchObject({ user: "audit" });
    }
    // A fresh login works again at once.
    expect(await pageSession(b, await login(a))).toMatchObject({ user: "ops" });
  });

  it("a password changed or a user removed in the config file ends their sessions", async () => {
    const cookie = await login(a);
    const changed = consoleTestConfig([
      { name: "ops", password_hash: await hashPassword("a new password"), merchants: ["k1"] },
    ]);
    const removed = consoleTestConfig([{ name: "audit", password_hash: consolePasswordHash, merchants: "*" }]);
    expect(await pageSession(b, cookie)).not.toBeNull();
    expect(await pageSession(b, cookie, changed)).toBeNull();
    expect(await pageSession(b, cookie, removed)).toBeNull();
    const strayId = await strayPayment();
    const csrf = (await pageSession(a, cookie))!.csrf;
    const res = await routes(b, changed).dismissRoute(
      form({ csrf, payment_id: String(strayId), reason: "test" }, cookie),
    );
    expect(res.headers.get("location")).toBe("/console/login?expired=1");
    expect(await paymentStatus(strayId)).toBe("unmatched");
  });

  it("`npm run admin -- logout-user` ends a user's sessions and says how many", async () => {
    const cookie = await login(a);
    expect(await logoutUser(b, "ops")).toEqual([expect.stringMatching(/^ops: \d+ console session\(s\) ended$/)]);
    expect(await pageSession(a, cookie)).toBeNull();
    expect(await logoutUser(b, "ops")).toEqual(["ops: 0 console session(s) ended"]);
    expect(await logoutUser(b, "nobody")).toEqual([
      'no console user "nobody" in the config or the database (sessions ended: 0)',
    ]);
  });
});
