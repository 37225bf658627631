import net from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { createRepositories } from "@/lib/storage/repositories";
import { findNotificationByOrder, insertNotification, listAttempts } from "@/lib/storage/notifications-repo";
import { serveFetch, type RunningServer } from "@/test/support/http-server";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import { sendAttempt } from "@/lib/merchant-notify/send-attempt";
import { guardedRequest, hostAllowed, isForbiddenAddress, obviouslyPrivate, requestUrlProblem } from "./url-guard";

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
    "::7f00:1",
    "::127.0.0.1",
    "::ffff:0:7f00:1",
    "64:ff9b:1::a00:1",
    "2002:c0a8:101::1",
    "ff02::1",
  ])("refuses %s", (ip) => expect(isForbiddenAddress(ip)).toBe(true));

  it.each(["8.8.8.8", "1.2.3.4", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])(
    "lets %s through",
    (ip) => expect(isForbiddenAddress(ip)).toBe(false),
  );

  it("refuses what is not an address at all", () => expect(isForbiddenAddress("example.com")).toBe(true));
});

/**
 * Host spellings of loopback and private addresses as they would appear in a merchant-supplied URL: every one must be
 * refused before any DNS lookup (at create, `obviouslyPrivate`) and at send time (`guardedRequest`). WHATWG URL
 * parsing turns the IPv4 shorthands into dotted quads and the embedded IPv4 forms into hex groups; the guard must see
 * through each.
 */
const PRIVATE_HOST_SPELLINGS = [
  // IPv4 loopback, every way the URL parser accepts
  "127.0.0.1",
  "127.1",
  "127.0.1",
  "0x7f.1",
  "0x7f.0.0.1",
  "0x7F000001",
  "2130706433",
  "017700000001",
  "0177.0.0.1",
  "0177.1",
  "127.000.000.001",
  "0",
  "0.0.0.0",
  "0x0",
  // private and metadata ranges, short and long forms
  "10.1",
  "012.0.0.1",
  "0xa.0.0.1",
  "167772161",
  "192.168.1",
  "0xc0a80101",
  "3232235777",
  "172.16.1",
  "169.254.169.254",
  "0xa9fea9fe",
  "2852039166",
  "100.100.100.200",
  "localhost",
  "LOCALHOST",
  "localhost.",
  "foo.localhost",
  // IPv6 loopback and unspecified
  "[::1]",
  "[0:0:0:0:0:0:0:1]",
  "[::]",
  // IPv4-mapped (::ffff:0:0/96), in both spellings
  "[::ffff:127.0.0.1]",
  "[::ffff:7f00:1]",
  "[0:0:0:0:0:ffff:7f00:1]",
  "[::ffff:10.0.0.1]",
  "[::ffff:a9fe:a9fe]",
  "[::ffff:0.0.0.0]",
  // IPv4-compatible (::/96, deprecated but still routed by some stacks)
  "[::127.0.0.1]",
  "[::7f00:1]",
  "[::10.0.0.1]",
  "[::a9fe:a9fe]",
  // IPv4-translated (::ffff:0:0:0/96, SIIT)
  "[::ffff:0:7f00:1]",
  "[::ffff:0:127.0.0.1]",
  // NAT64: well-known prefix of private v4, and the local-use prefix (64:ff9b:1::/48, RFC 8215)
  "[64:ff9b::127.0.0.1]",
  "[64:ff9b::7f00:1]",
  "[64:ff9b::a00:1]",
  "[64:ff9b::a9fe:a9fe]",
  "[64:ff9b:1::7f00:1]",
  "[64:ff9b:1:ffff::a]",
  // 6to4 and Teredo, link-local, unique-local
  "[2002:7f00:1::]",
  "[2002:a00:1::1]",
  "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
  "[fe80::1]",
  "[fd00::1]",
  "[fc00::1]",
] as const;

describe("SSRF guard: private host spellings", () => {
  const none = { allowedHosts: [] };
  it.each(PRIVATE_HOST_SPELLINGS)("refuses http://%s/ at create", (host) =>
    expect(obviouslyPrivate(`http://${host}/notify`, none)).toBe(true),
  );

  it.each(["shop.example", "8.8.8.8", "[2606:4700::1111]", "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "134744072"])(
    "lets http://%s/ through at create",
    (host) => expect(obviouslyPrivate(`http://${host}/notify`, none)).toBe(false),
  );
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

  it.each(PRIVATE_HOST_SPELLINGS)("refuses the private host spelled %s before it is reached", async (host) => {
    const before = hits.length;
    // A literal is refused before connecting; a localhost name by the lookup check, or by a resolver that knows it not.
    const literal = net.isIP(new URL(`http://${host}/`).hostname.replace(/^\[|\]$/g, "")) !== 0;
    await expect(send(`http://${host}:${server.port}/n`)).rejects.toThrow(
      literal ? /^refused: address / : /^refused: |ENOTFOUND|EAI_AGAIN/,
    );
    expect(hits.length).toBe(before);
  });

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
    expect(get).toEqual({ delivered: true, httpStatus: 200, body: " success\n", error: null, diagnosis: null });
    expect(post.delivered).toBe(true);
    expect(got).toEqual([
      { method: "GET", query: "?a=1&b=%E4%B8%AD", body: "" },
      { method: "POST", query: "", body: "a=1&b=2" },
    ]);
  });
});
