import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { createRepositories } from "@/lib/storage/repositories";
import { findNotificationByOrder, insertNotification, listAttempts } from "@/lib/storage/notifications-repo";
import { serveFetch, type RunningServer } from "@/test/support/http-server";
import { dispatchDue } from "./dispatcher";
import { sendAttempt } from "./send-attempt";
import { guardedRequest, hostAllowed, isForbiddenAddress, requestUrlProblem } from "./url-guard";

describe("SSRF guard: addresses", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.100.100.200",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00:ec2::254",
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "64:ff9b::a00:1",
    "2002:c0a8:101::1",
    "ff02::1",
  ])("refuses %s", (ip) => expect(isForbiddenAddress(ip)).toBe(true));

  it.each(["8.8.8.8", "1.2.3.4", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])(
    "lets %s through",
    (ip) => expect(isForbiddenAddress(ip)).toBe(false),
  );

  it("refuses what is not an address at all", () => expect(isForbiddenAddress("example.com")).toBe(true));
});

describe("SSRF guard: request URLs", () => {
  it.each([
    ["https://shop.example/notify", null],
    ["http://shop.example:8080/a?b=1#/x", null],
    ["javascript:alert(1)", "只支持 http 或 https 地址"],
    ["file:///etc/passwd", "只支持 http 或 https 地址"],
    ["gopher://127.0.0.1:25/", "只支持 http 或 https 地址"],
    ["//shop.example/notify", "不是有效的网址"],
    ["https://user:pw@shop.example/", "地址不能包含用户名或密码"],
    [`https://shop.example/${"a".repeat(2100)}`, "地址过长"],
  ])("%s → %s", (url, problem) => expect(requestUrlProblem(url)).toBe(problem));

  it("allowed hosts match the host name, or host:port exactly, case-insensitively", () => {
    const policy = { allowedHosts: ["Shop.Internal", "127.0.0.1:8080", "[::1]"] };
    expect(hostAllowed(new URL("http://shop.internal:9/x"), policy)).toBe(true);
    expect(hostAllowed(new URL("http://127.0.0.1:8080/x"), policy)).toBe(true);
    expect(hostAllowed(new URL("http://127.0.0.1:8081/x"), policy)).toBe(false);
    expect(hostAllowed(new URL("http://[::1]:3000/x"), policy)).toBe(true);
    expect(hostAllowed(new URL("http://evil.example/x"), policy)).toBe(false);
  });
});

describe("SSRF guard at send time", () => {
  let server: RunningServer;
  const hits: string[] = [];
  beforeAll(async () => {
    server = await serveFetch(async (r) => {
      hits.push(`${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`);
      return new Response("success");
    });
  });
  afterAll(() => server.close());

  const send = (url: string, allowedHosts: string[] = []) =>
    guardedRequest({ url, method: "GET", headers: {}, timeoutMs: 2000, bodyLimit: 1024, policy: { allowedHosts } });

  it("refuses a loopback literal before connecting", async () => {
    const before = hits.length;
    await expect(send(`${server.url}/n`)).rejects.toThrow("refused: address 127.0.0.1");
    expect(hits.length).toBe(before);
  });

  it("checks the address a name resolves to when the socket connects (localhost → loopback)", async () => {
    const before = hits.length;
    await expect(send(`http://localhost:${server.port}/n`)).rejects.toThrow(
      /refused: localhost resolves to (127\.0\.0\.1|::1)/,
    );
    expect(hits.length).toBe(before);
  });

  it.each(["2130706433", "0x7f000001", "0177.0.0.1", "[::ffff:127.0.0.1]", "[::1]"])(
    "refuses the loopback spelled %s",
    async (host) => {
      const before = hits.length;
      await expect(send(`http://${host}:${server.port}/n`)).rejects.toThrow(/^refused: address /);
      expect(hits.length).toBe(before);
    },
  );

  it("reaches a listed host", async () => {
    await expect(send(`${server.url}/n?a=1`, ["127.0.0.1"])).resolves.toEqual({ status: 200, body: "success" });
    expect(hits.at(-1)).toBe("GET /n?a=1");
  });

  it("refuses other schemes", async () => {
    await expect(send("ftp://127.0.0.1/x", ["127.0.0.1"])).rejects.toThrow("refused: scheme ftp:");
  });
});

describe("dispatcher with the guard", () => {
  let db: DatabaseHandle;
  let shop: RunningServer;
  const got: { method: string; query: string; body: string }[] = [];
  beforeAll(async () => {
    db = await openDatabase(`file:${path.join(os.tmpdir(), `paydesk-guard-${randomBytes(5).toString("hex")}.db`)}`);
    shop = await serveFetch(async (r) => {
      got.push({ method: r.method, query: new URL(r.url).search, body: await r.text() });
      return new Response(" success\n");
    });
  });
  afterAll(async () => {
    await shop.close();
    await db.close();
  });

  it("logs a refusal on the attempt and retries on the schedule; never connects", async () => {
    await insertNotification(db.db, {
      orderId: "GUARD1",
      url: `${shop.url}/n?x=1`,
      body: "",
      method: "GET",
      now: 1000,
    });
    const n = await dispatchDue(createRepositories(db.db).notifications, {
      owner: "t",
      now: () => 1000,
      urlPolicy: () => ({ allowedHosts: [] }),
      timeoutMs: 500,
      log: pino({ level: "silent" }),
    });
    expect(n).toBe(1);
    const row = (await findNotificationByOrder(db.db, "GUARD1"))!;
    expect(row).toMatchObject({ status: "pending", attempts: 1, method: "GET" });
    expect((await listAttempts(db.db, row.id))[0]).toMatchObject({
      outcome: "retry",
      http_status: null,
      error: "refused: address 127.0.0.1",
    });
    expect(got).toHaveLength(0);
  });

  it("sends a GET with the URL's query and no body, a POST with the form body", async () => {
    await insertNotification(db.db, {
      orderId: "GUARD2",
      url: `${shop.url}/n?a=1&b=%E4%B8%AD`,
      body: "",
      method: "GET",
      now: 1000,
    });
    await insertNotification(db.db, { orderId: "GUARD3", url: `${shop.url}/p`, body: "a=1&b=2", now: 1000 });
    const policy = { allowedHosts: ["127.0.0.1"] };
    const get = await sendAttempt((await findNotificationByOrder(db.db, "GUARD2"))!, { timeoutMs: 1000, policy });
    const post = await sendAttempt((await findNotificationByOrder(db.db, "GUARD3"))!, { timeoutMs: 1000, policy });
    expect(get).toEqual({ delivered: true, httpStatus: 200, body: " success\n", error: null });
    expect(post.delivered).toBe(true);
    expect(got).toEqual([
      { method: "GET", query: "?a=1&b=%E4%B8%AD", body: "" },
      { method: "POST", query: "", body: "a=1&b=2" },
    ]);
  });
});
