import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { insertNotification, listAttempts, findNotificationByOrder } from "@/lib/storage/notifications-repo";
import { createRepositories } from "@/lib/storage/repositories";
import { FakeShop } from "@/test/support/fake-shop";
import { ManualClock } from "@/test/support/test-context";
import { dispatchDue, leaseMs, type DispatcherOptions } from "./dispatcher";
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from "./schedule";

const silent = pino({ level: "silent" });
/** The fake shop listens on 127.0.0.1, which the SSRF guard refuses unless the host is allowed. */
const LOCAL_SHOP = { allowedHosts: ["127.0.0.1"] };

describe("merchant notification dispatcher", () => {
  const shop = new FakeShop();
  let db: DatabaseHandle;
  let dbUrl: string;
  let clock: ManualClock;
  let seq = 0;

  const opts = (over: Partial<DispatcherOptions> = {}): DispatcherOptions => ({
    owner: "A",
    now: clock.now,
    urlPolicy: () => LOCAL_SHOP,
    timeoutMs: 300,
    log: silent,
    ...over,
  });
  const queue = async (url = shop.notifyUrl) => {
    const orderId = `ORDER${++seq}`;
    await insertNotification(db.db, { orderId, url, body: `order_id=${orderId}&sign=x`, now: clock.now() });
    return orderId;
  };
  const row = async (orderId: string) => (await findNotificationByOrder(db.db, orderId))!;

  beforeAll(async () => {
    await shop.start();
    dbUrl = `file:${path.join(os.tmpdir(), `paydesk-dispatch-${randomBytes(5).toString("hex")}.db`)}`;
    db = await openDatabase(dbUrl);
  });
  afterAll(async () => {
    await shop.stop();
    await db.close();
  });
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    shop.behaviour = "success";
    // Earlier tests' leftovers must not be picked up by this one.
    await db.db.updateTable("notifications").set({ status: "delivered" }).where("status", "=", "pending").execute();
  });

  it("the schedule is WeChat Pay's: 15 retries over about 24 hours", () => {
    expect(RETRY_DELAYS_MS.map((ms) => ms / 1000)).toEqual([
      15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
    ]);
    expect(MAX_ATTEMPTS).toBe(16);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(total).toBeGreaterThan(24);
    expect(total).toBeLessThan(25);
  });

  it("delivers on a `success` body and logs the attempt", async () => {
    const id = await queue();
    expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(1);
    const n = await row(id);
    expect(n).toMatchObject({ status: "delivered", attempts: 1, lease_owner: null });
    const [attempt] = await listAttempts(db.db, n.id);
    expect(attempt).toMatchObject({
      attempt_no: 1,
      http_status: 200,
      response_body: "success",
      outcome: "delivered",
      error: null,
    });
    expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(0);
  });

  it.each([
    ["a `fail` body", "fail", { http_status: 200, response_body: "fail" }],
    ["HTTP 500", "error500", { http_status: 500 }],
    ["a timeout", "hang", { http_status: null, error: "timeout after 300 ms" }],
  ] as const)("retries after %s on the schedule", async (_name, behaviour, logged) => {
    shop.behaviour = behaviour;
    const id = await queue();
    expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(1);
    let n = await row(id);
    expect(n).toMatchObject({ status: "pending", attempts: 1 });
    expect(n.next_attempt_at - clock.now()).toBe(15_000);
    expect((await listAttempts(db.db, n.id))[0]).toMatchObject({ outcome: "retry", ...logged });

    clock.advance(14_999);
    expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(0);
    clock.advance(1);
    shop.behaviour = "success";
    expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(1);
    n = await row(id);
    expect(n).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("retries when the connection is refused", async () => {
    const id = await queue("http://127.0.0.1:9/notify");
    await dispatchDue(createRepositories(db.db).notifications, opts());
    const n = await row(id);
    expect(n.status).toBe("pending");
    expect((await listAttempts(db.db, n.id))[0]!.error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it("walks the whole schedule, then marks the delivery failed", async () => {
    shop.behaviour = "fail";
    const id = await queue();
    const start = clock.now();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(1);
      const n = await row(id);
      if (attempt < MAX_ATTEMPTS) {
        expect(n.next_attempt_at - clock.now()).toBe(RETRY_DELAYS_MS[attempt - 1]);
        clock.advance(RETRY_DELAYS_MS[attempt - 1]!);
      }
    }
    const n = await row(id);
    expect(n).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(clock.now() - start).toBe(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0));
    expect(await listAttempts(db.db, n.id)).toHaveLength(MAX_ATTEMPTS);
    clock.advance(86_400_000);
    expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(0);
  });

  it("two instances racing for the same rows never send the same attempt twice", async () => {
    const before = shop.received.length;
    const ids = await Promise.all([queue(), queue(), queue()]);
    const [a, b] = await Promise.all([
      dispatchDue(createRepositories(db.db).notifications, opts({ owner: "A" })),
      dispatchDue(createRepositories(db.db).notifications, opts({ owner: "B" })),
    ]);
    expect(a + b).toBe(3);
    expect(shop.received.length - before).toBe(3);
    for (const id of ids) expect((await row(id)).attempts).toBe(1);
  });

  it("a process killed mid-delivery loses nothing: the lease runs out and another instance delivers", async () => {
    shop.behaviour = "hang";
    const id = await queue();
    const before = shop.received.length;
    const child = spawn("npx", ["tsx", "--conditions=react-server", "test/support/dispatch-child.ts", dbUrl], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Wait until the child's request reached the shop, then kill it without warning.
    const deadline = Date.now() + 15_000;
    while (shop.received.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(shop.received.length).toBe(before + 1);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    let n = await row(id);
    expect(n).toMatchObject({ status: "pending", attempts: 0, lease_owner: "child" });
    // While the dead process's lease lasts, nobody else sends (it might still be alive somewhere).
    clock.time = Date.now();
    expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(0);
    clock.time = n.lease_until + 1;
    expect(n.lease_until - Date.now()).toBeLessThanOrEqual(leaseMs(60_000));
    shop.behaviour = "success";
    expect(await dispatchDue(createRepositories(db.db).notifications, opts())).toBe(1);
    n = await row(id);
    expect(n).toMatchObject({ status: "delivered", attempts: 1 });
    expect(shop.received.length).toBe(before + 2);
  }, 30_000);
});
