import { afterAll, describe, expect, it } from "vitest";
import {
  startDingtalkRobot,
  startSmtpSink,
  startTelegramBot,
  startWebhookReceiver,
  startWecomRobot,
  type SinkEmulator,
} from "@/test/support/emulators";
import { alertsConfigSchema, type SinkConfig } from "@/lib/config/alerts";
import { dingtalkSignedQuery, verifyWebhookSignature, webhookSignature } from "./signing";
import { cutBytes, sendToSink, type AlertMessage } from "./sinks";

/** Each sink's wire format against its emulator, which checks keys and signatures itself (e2e/emulators). */

const emulators: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const e of emulators) await e.close();
});
async function started<T extends { close(): Promise<void> }>(e: Promise<T>): Promise<T> {
  const ready = await e;
  emulators.push(ready);
  return ready;
}

const message: AlertMessage = {
  id: 7,
  condition: "notify:k1",
  kind: "raised",
  severity: "critical",
  title: "商户「Test Shop」的支付通知发送失败",
  body: "最近 5 次通知全部失败\n原因：被防火墙/CDN 拦截",
  createdAt: Date.UTC(2026, 11, 4, 6, 0, 0),
};

function sink(raw: Record<string, unknown>): SinkConfig {
  const parsed = alertsConfigSchema.parse({ sinks: [{ id: "s", ...raw }] }).sinks[0];
  if (!parsed) throw new Error("no sink");
  return parsed;
}

const deps = () => ({ now: Date.now(), timeoutMs: 2000 });

describe("alert sinks on the wire", () => {
  it("webhook: JSON body signed in X-Paydesk-Signature, verified by the receiver", async () => {
    const secret = "whsec-0123456789abcdef";
    const rx = await started(startWebhookReceiver(secret));
    const r = await sendToSink(sink({ type: "webhook", url: `${rx.url}/hook`, secret }), message, deps());
    expect(r).toMatchObject({ ok: true });
    const call = rx.received[0];
    expect(call?.json).toMatchObject({ id: 7, condition: "notify:k1", kind: "raised", severity: "critical" });
    expect(
      verifyWebhookSignature(secret, call!.body, String(call!.headers["x-paydesk-signature"]), Date.now() / 1000),
    ).toBe(true);
    // A wrong secret is refused by the receiver, and so recorded as not delivered.
    const bad = await sendToSink(
      sink({ type: "webhook", url: `${rx.url}/hook`, secret: "another-secret-0000" }),
      message,
      deps(),
    );
    expect(bad.ok).toBe(false);
    expect(rx.refused).toBe(1);
  });

  it("企业微信 robot: markdown and text under the key, errcode 0", async () => {
    const robot = await started(startWecomRobot("wk-123"));
    const base = `${robot.url}/cgi-bin/webhook/send`;
    expect((await sendToSink(sink({ type: "wecom", key: "wk-123", url: base }), message, deps())).ok).toBe(true);
    expect(robot.received[0]?.json).toMatchObject({
      msgtype: "markdown",
      markdown: { content: expect.stringContaining("【严重】") },
    });
    expect(
      (await sendToSink(sink({ type: "wecom", key: "wk-123", url: base, msgtype: "text" }), message, deps())).ok,
    ).toBe(true);
    expect(robot.received[1]?.json).toMatchObject({
      msgtype: "text",
      text: { content: expect.stringContaining("Test Shop") },
    });
    const wrong = await sendToSink(sink({ type: "wecom", key: "nope", url: base }), message, deps());
    expect(wrong).toMatchObject({ ok: false, answer: expect.stringContaining("93000") });
    // A long body is cut to the robot's byte limit instead of being refused.
    const long = { ...message, body: "长".repeat(3000) };
    expect((await sendToSink(sink({ type: "wecom", key: "wk-123", url: base }), long, deps())).ok).toBe(true);
  });

  it("钉钉 robot: 加签 timestamp + sign verified by the robot", async () => {
    const robot = await started(startDingtalkRobot("dt-token", "SECabc123"));
    const url = `${robot.url}/robot/send`;
    const ok = await sendToSink(
      sink({ type: "dingtalk", access_token: "dt-token", secret: "SECabc123", url }),
      message,
      deps(),
    );
    expect(ok.ok).toBe(true);
    expect(robot.received[0]?.json).toMatchObject({
      msgtype: "markdown",
      markdown: { title: expect.stringContaining("支付通知") },
    });
    const wrong = await sendToSink(
      sink({ type: "dingtalk", access_token: "dt-token", secret: "SECwrong", url }),
      message,
      deps(),
    );
    expect(wrong).toMatchObject({ ok: false, answer: expect.stringContaining("310000") });
    // The documented formula: url-encoded base64 of HMAC-SHA256(secret, timestamp + "\n" + secret).
    expect(dingtalkSignedQuery("SECabc123", 1577836800000)).toMatch(/^timestamp=1577836800000&sign=[A-Za-z0-9%]+$/);
  });

  it("Telegram bot: sendMessage with chat_id and plain text", async () => {
    const bot = await started(startTelegramBot("123456:ABC-def"));
    const s = sink({ type: "telegram", bot_token: "123456:ABC-def", chat_id: -1001234, api_base: bot.url });
    expect((await sendToSink(s, message, deps())).ok).toBe(true);
    expect(bot.received[0]?.json).toMatchObject({ chat_id: "-1001234", text: expect.stringContaining("【严重】") });
    const wrongToken = sink({ type: "telegram", bot_token: "999:zzz", chat_id: 1, api_base: bot.url });
    expect(await sendToSink(wrongToken, message, deps())).toMatchObject({
      ok: false,
      answer: expect.stringContaining("401"),
    });
  });

  it("e-mail: SMTP with login, through nodemailer", async () => {
    const smtp = await started(startSmtpSink({ user: "ops", pass: "pw" }));
    const s = sink({
      type: "email",
      host: "127.0.0.1",
      port: smtp.port,
      secure: false,
      user: "ops",
      pass: "pw",
      from: "paydesk@shop.example",
      to: ["owner@shop.example"],
    });
    const r = await sendToSink(s, message, deps());
    expect(r.ok).toBe(true);
    expect(smtp.messages[0]).toMatchObject({ from: "paydesk@shop.example", to: ["owner@shop.example"] });
    // The subject is RFC 2047 encoded-words (base64 UTF-8): decode them back.
    const subject = [...(smtp.messages[0]?.raw ?? "").matchAll(/=\?UTF-8\?B\?([^?]+)\?=/g)]
      .map((m) => Buffer.from(m[1] ?? "", "base64").toString("utf8"))
      .join("");
    expect(subject).toBe(`[Paydesk] 【严重】${message.title}`);
    const badLogin = await sendToSink({ ...s, pass: "wrong" } as SinkConfig, message, deps());
    expect(badLogin.ok).toBe(false);
  });

  it("a sink that is down, hangs or resets is an answer, never a throw", async () => {
    const rx: SinkEmulator = await started(startWebhookReceiver("whsec-0123456789abcdef"));
    const s = sink({ type: "webhook", url: rx.url, secret: "whsec-0123456789abcdef" });
    for (const mode of ["error", "reset", "hang"] as const) {
      rx.mode = mode;
      const r = await sendToSink(s, message, { now: Date.now(), timeoutMs: 300 });
      expect(r.ok).toBe(false);
      expect(r.answer).not.toBe("");
    }
  });
});

describe("signing helpers", () => {
  it("webhook signatures carry their time and are refused outside five minutes", () => {
    const header = webhookSignature("k".repeat(16), "{}", 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature("k".repeat(16), "{}", header, 1_800_000_100)).toBe(true);
    expect(verifyWebhookSignature("k".repeat(16), "{}", header, 1_800_000_400)).toBe(false);
    expect(verifyWebhookSignature("k".repeat(16), "{ }", header, 1_800_000_000)).toBe(false);
  });

  it("cuts by UTF-8 bytes without splitting a character", () => {
    const cut = cutBytes("告".repeat(100), 20);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(20);
    expect(cut.endsWith("…")).toBe(true);
  });
});
