import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertDeliverer } from "@/lib/alerts/deliverer";
import type { AppConfig } from "@/lib/config/load";
import { alertsConfigSchema } from "@/lib/config/alerts";
import { CONSOLE_COOKIE } from "@/lib/console/console-session";
import { requestCookie } from "@/lib/http/console-handler";
import { consoleRoutes } from "@/lib/http/console-routes";
import type { DatabaseHandle } from "@/lib/storage/database";
import { CONSOLE_PASSWORD, consolePasswordHash, consoleTestConfig } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { ALERTS_PAGE_SIZE, loadAlertsPage, maskSecret, maskUrl, sinkView, testAlertFromConsole } from "./alerts-page";
import { readConsoleSession } from "./console-session";
import { scopeFor } from "./console-scope";

const SECRETS = {
  webhook: "whsec-0123456789abcdef",
  wecom: "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
  token: "123456:ABCdefGhIJKlmnoPQRstuVWXyz",
  pass: "smtp-password-42",
  ding: "SEC0123456789abcdef",
};

const ALERTS = {
  sinks: [
    { id: "hook", type: "webhook", url: "https://ops.example/hooks/T0KEN?x=1", secret: SECRETS.webhook },
    { id: "wecom", type: "wecom", key: SECRETS.wecom },
    { id: "ding", type: "dingtalk", access_token: "tok-abcdef123456", secret: SECRETS.ding },
    { id: "tg", type: "telegram", bot_token: SECRETS.token, chat_id: -100123 },
    { id: "mail", type: "email", host: "smtp.example.com", pass: SECRETS.pass, from: "p@example.com", to: ["o@x.io"] },
    { id: "off", type: "webhook", url: "https://off.example/h", secret: SECRETS.webhook, enabled: false },
  ],
};

describe("masking the alert sinks' secrets", () => {
  it("never shows a secret, a token or a URL's path, only enough to tell them apart", () => {
    const sinks = alertsConfigSchema.parse(ALERTS).sinks.map(sinkView);
    const shown = JSON.stringify(sinks);
    for (const s of [...Object.values(SECRETS), "T0KEN", "tok-abcdef123456", "ABCdefGhIJKlmnoPQRstuVWXyz"])
      expect(shown, s).not.toContain(s);
    expect(sinks.find((s) => s.id === "hook")!.fields).toContainEqual(["url", "https://ops.example/••••••"]);
    expect(sinks.find((s) => s.id === "tg")!.fields).toContainEqual(["chat_id", "-100123"]);
    expect(sinks.find((s) => s.id === "tg")!.fields.find(([k]) => k === "bot_token")![1]).toMatch(/^123456:/);
    expect(maskSecret("short")).toBe("••••••（5）");
    expect(maskUrl("https://a.example")).toBe("https://a.example");
  });
});

describeOnDatabases("the alerts page and its test alert", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  const config: AppConfig = {
    ...consoleTestConfig([
      { name: "ops", password_hash: consolePasswordHash, merchants: "*" },
      { name: "k1-only", password_hash: consolePasswordHash, merchants: ["k1"] },
    ]),
    alerts: alertsConfigSchema.parse(ALERTS),
  };
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = testContext(db, config);
  });
  afterAll(() => db.close());
  const scope = (name: string) =>
    scopeFor(
      config,
      config.consoleUsers.find((u) => u.name === name)!,
    );

  it("queues a test alert to one sink through the outbox and shows the delivery's answer", async () => {
    const r = await testAlertFromConsole(ctx, scope("ops"), "tg");
    expect(r.outcome).toBe("queued");
    const sent: string[] = [];
    const deliverer = new AlertDeliverer(ctx, {
      owner: "t",
      send: async (sink, m) => {
        sent.push(`${sink.id}:${m.kind}`);
        return { ok: false, answer: "429 Too Many Requests", retryAfterMs: 5000 };
      },
    });
    deliverer.kick();
    await deliverer.idle();
    await deliverer.stop();
    expect(sent).toEqual(["tg:test"]);
    const page = await loadAlertsPage(ctx, 1);
    const alert = page.history.find((a) => a.id === r.alertId)!;
    expect(alert).toMatchObject({ kind: "test", severity: "info" });
    expect(alert.deliveries).toEqual([
      expect.objectContaining({ sink_id: "tg", status: "pending", attempts: 1, last_answer: "429 Too Many Requests" }),
    ]);
    const audit = await db.db.selectFrom("console_audit").selectAll().where("action", "=", "test_alert").execute();
    expect(audit.at(-1)).toMatchObject({ user_name: "ops", appkey: null });
    expect(audit.at(-1)!.detail).toContain(`#${r.alertId} to tg`);
  });

  it("refuses an operator scoped to some merchants, and an unknown or disabled sink", async () => {
    const before = (await loadAlertsPage(ctx, 1)).total;
    expect(await testAlertFromConsole(ctx, scope("k1-only"), "tg")).toEqual({ outcome: "forbidden" });
    expect(await testAlertFromConsole(ctx, scope("ops"), "nope")).toEqual({ outcome: "not_found" });
    expect(await testAlertFromConsole(ctx, scope("ops"), "off")).toEqual({ outcome: "not_found" });
    expect((await loadAlertsPage(ctx, 1)).total).toBe(before);
  });

  it("pages the history and clamps the page number", async () => {
    for (let i = 0; i < ALERTS_PAGE_SIZE + 3; i++) await testAlertFromConsole(ctx, scope("ops"), "hook");
    const total = (await loadAlertsPage(ctx, 1)).total;
    const last = await loadAlertsPage(ctx, 99);
    expect(last.pages).toBe(Math.ceil(total / ALERTS_PAGE_SIZE));
    expect(last.page).toBe(last.pages);
    expect(last.history).toHaveLength(total - (last.pages - 1) * ALERTS_PAGE_SIZE);
    const first = await loadAlertsPage(ctx, Number.NaN);
    expect(first.page).toBe(1);
    expect(first.history).toHaveLength(ALERTS_PAGE_SIZE);
    expect(first.history[0]!.id).toBeGreaterThan(first.history[1]!.id);
    expect(first.sinks.map((s) => s.id)).toEqual(["hook", "wecom", "ding", "tg", "mail", "off"]);
  });

  it("the routes need the session's CSRF token, and a scoped operator may not resend another shop", async () => {
    const routes = consoleRoutes(() => Promise.resolve(ctx));
    const form = (fields: Record<string, string>, cookie?: string) =>
      new Request("http://paydesk.test/console/act/x", {
        method: "POST",
        headers: cookie ? { cookie: `${CONSOLE_COOKIE}=${cookie}` } : {},
        body: new URLSearchParams(fields),
      });
    async function login(name: string) {
      const res = await routes.loginRoute(form({ name, password: CONSOLE_PASSWORD }));
      const cookie = requestCookie(
        new Request("http://x/", { headers: { cookie: res.headers.get("set-cookie")!.split(";")[0]! } }),
        CONSOLE_COOKIE,
      )!;
      return { cookie, csrf: (await readConsoleSession(ctx, cookie))!.csrf };
    }
    const ops = await login("ops");
    expect((await routes.testAlertRoute(form({ sink: "hook" }, ops.cookie))).status).toBe(403);
    expect((await routes.testAlertRoute(form({ sink: "hook", csrf: "wrong" }, ops.cookie))).status).toBe(403);
    const ok = await routes.testAlertRoute(form({ sink: "hook", csrf: ops.csrf }, ops.cookie));
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toMatch(/^\/console\/alerts\?msg=testAlertQueued&alert=\d+$/);
    const unknown = await routes.testAlertRoute(form({ sink: "zzz", csrf: ops.csrf }, ops.cookie));
    expect(unknown.headers.get("location")).toBe("/console/alerts?refused=unknown_sink");

    const k1 = await login("k1-only");
    expect((await routes.testAlertRoute(form({ sink: "hook", csrf: k1.csrf }, k1.cookie))).status).toBe(403);
    expect((await routes.resendShopRoute(form({ appkey: "k2", csrf: k1.csrf }, k1.cookie))).status).toBe(403);
    const own = await routes.resendShopRoute(form({ appkey: "k1", csrf: k1.csrf, back: "/console" }, k1.cookie));
    expect(own.headers.get("location")).toBe("/console?msg=resendShopNothing");
  });
});
