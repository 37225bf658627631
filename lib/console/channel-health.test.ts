import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "@/lib/channels/circuit-breaker";
import { metrics, recordUpstreamCall, upstreamToday } from "@/lib/metrics";
import { databaseForEachTest, sandboxAndPhoneConfigFile } from "@/test/support/monitor-channels";
import { testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { loadChannelHealth } from "./channel-health";
import { scopeFor } from "./console-scope";
import { notifyState } from "./notify-status";

const db = databaseForEachTest();

function context(): TestContext {
  const file = sandboxAndPhoneConfigFile();
  file.merchants[0]!.channels = ["sandbox", "phone"];
  return testContext(db, testAppConfig(file));
}

const all = (ctx: TestContext) => scopeFor(ctx.config, { name: "ops", password_hash: "x", merchants: "*" } as never);

async function gauge(channel: string): Promise<number | undefined> {
  const g = await metrics().monitorOnline.get();
  return g.values.find((v) => v.labels.channel === channel)?.value;
}

describe("channel health with reasons", () => {
  it("shows the last upstream error and when, the breaker's history and today's upstream calls", async () => {
    const ctx = context();
    const breaker = new CircuitBreaker(2, 60_000);
    const t0 = ctx.now();
    breaker.recordFailure("sandbox", t0, "PAYJS：无法连接（ECONNREFUSED）");
    breaker.recordFailure("sandbox", t0 + 1000, "HTTP 502");
    breaker.recordSuccess("sandbox", t0 + 5000);
    recordUpstreamCall("sandbox", true, t0);
    recordUpstreamCall("sandbox", false, t0);
    recordUpstreamCall("sandbox", false, t0);
    const [sandbox] = await loadChannelHealth(ctx, all(ctx), breaker);
    expect(sandbox).toMatchObject({
      id: "sandbox",
      lastError: { text: "HTTP 502", at: t0 + 1000 },
      breaker: {
        open: false,
        history: [
          { kind: "open", at: t0 + 1000 },
          { kind: "close", at: t0 + 5000 },
        ],
      },
    });
    expect(sandbox!.upstream).toEqual({ ok: 1, failed: 2 });
    expect(sandbox!.budget).toMatchObject({ ordersToday: 0, limits: null, atBudget: false, restingUntil: null });
    // The next Beijing day starts from zero.
    expect(upstreamToday("sandbox", t0 + 86_400_000)).toEqual({ ok: 0, failed: 0 });
  });

  it("judges a V免签 monitor by its heartbeat and sets paydesk_channel_monitor_online to match", async () => {
    const ctx = context();
    await ctx.repos.monitors.recordHeartbeat("phone", ctx.now());
    let phone = (await loadChannelHealth(ctx, all(ctx), new CircuitBreaker())).find((c) => c.id === "phone")!;
    expect(phone.monitor).toEqual({ online: true, lastSeenAt: ctx.now() });
    expect(await gauge("phone")).toBe(1);
    ctx.clock.advance(10 * 60_000);
    phone = (await loadChannelHealth(ctx, all(ctx), new CircuitBreaker())).find((c) => c.id === "phone")!;
    expect(phone.monitor?.online).toBe(false);
    expect(await gauge("phone")).toBe(0);
    // A channel without a monitor has none, and no gauge.
    expect((await loadChannelHealth(ctx, all(ctx), new CircuitBreaker()))[0]!.monitor).toBeNull();
    expect(await gauge("sandbox")).toBeUndefined();
  });
});

describe("a notification's state as the console names it", () => {
  const n = (status: "pending" | "delivered" | "failed", attempts: number) => ({
    status,
    attempts,
    next_attempt_at: 1000,
  });
  it("reads 失败重试中 with the next try and the doctor's class once an attempt failed, not 发送中", () => {
    expect(notifyState(n("pending", 2), "waf_challenge:cloudflare")).toEqual({
      key: "retrying",
      nextAttemptAt: 1000,
      diagnosis: { class: "waf_challenge", detail: "cloudflare" },
    });
    expect(notifyState(n("pending", 0), null)).toEqual({ key: "pending", nextAttemptAt: 1000, diagnosis: null });
    expect(notifyState(n("failed", 16), "timeout")).toMatchObject({ key: "failed", nextAttemptAt: null });
    expect(notifyState(n("delivered", 3), "timeout")).toEqual({
      key: "delivered",
      nextAttemptAt: null,
      diagnosis: null,
    });
  });
});
