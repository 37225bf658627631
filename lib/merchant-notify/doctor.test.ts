import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { metrics } from "@/lib/metrics";
import type { AttemptResult } from "@/lib/storage/notifications-repo";
import type { Notification } from "@/lib/storage/records";
import { deliver } from "./dispatcher";
import { DOCTOR_CLASSES, diagnoseAttempt, doctorCode, parseDoctorCode, type Diagnosis } from "./doctor";
import { doctorText } from "./doctor-hints";
import { isNotifyAck, notificationProtocol } from "@/lib/merchant-api/registry";
import { sendAttempt } from "./send-attempt";

/**
 * Every doctor class from a real local server behaving that way, sent through sendAttempt exactly as the dispatcher
 * sends (guarded request, no redirects followed). Certificates are made with the openssl command line.
 */

const servers: Array<{ close(): void }> = [];
let dir = "";

function listen(server: http.Server | https.Server | net.Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function answering(status: number, body: string, headers: Record<string, string> = {}): Promise<number> {
  return listen(
    http.createServer((_req, res) => {
      res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", ...headers });
      res.end(body);
    }),
  );
}

function notification(url: string, method: "GET" | "POST" = "POST"): Notification {
  return {
    id: 1,
    order_id: "O1",
    url,
    body: method === "POST" ? "order_id=O1" : "",
    status: "pending",
    attempts: 0,
    next_attempt_at: 0,
    lease_until: 0,
    lease_owner: null,
    created_at: 0,
    delivered_at: null,
    updated_at: 0,
    method,
  };
}

const policy = { allowedHosts: ["127.0.0.1"] };

async function diagnose(url: string, method: "GET" | "POST" = "POST", timeoutMs = 2000): Promise<Diagnosis | null> {
  return (await sendAttempt(notification(url, method), { timeoutMs, policy })).diagnosis;
}

/** A certificate for CN=localhost: self-signed valid for 30 days, or one that expired in 2020. */
function makeCert(name: string, expired: boolean): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, `${name}.key`);
  const crt = path.join(dir, `${name}.crt`);
  if (!expired) {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        crt,
        "-subj",
        "/CN=localhost",
        "-days",
        "30",
      ],
      { stdio: "ignore" },
    );
  } else {
    // `openssl ca` is the 3.0 way to choose both validity dates.
    writeFileSync(path.join(dir, "index.txt"), "");
    writeFileSync(path.join(dir, "serial"), "01\n");
    writeFileSync(
      path.join(dir, "ca.cnf"),
      `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\nnew_certs_dir=${dir}\nserial=${dir}/serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n`,
    );
    const csr = path.join(dir, `${name}.csr`);
    execFileSync(
      "openssl",
      ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
      { stdio: "ignore" },
    );
    execFileSync(
      "openssl",
      [
        "ca",
        "-batch",
        "-config",
        path.join(dir, "ca.cnf"),
        "-selfsign",
        "-keyfile",
        key,
        "-in",
        csr,
        "-out",
        crt,
        "-startdate",
        "20200101000000Z",
        "-enddate",
        "20200102000000Z",
      ],
      { stdio: "ignore" },
    );
  }
  return { key: readFileSync(key), cert: readFileSync(crt) };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "paydesk-doctor-"));
});
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the notification doctor against real servers", () => {
  it("dns: a host that does not resolve", async () => {
    // A generous timeout: a machine whose resolver is unreachable answers EAI_AGAIN only after its own retries.
    expect((await diagnose("http://nonexistent.invalid/notify", "POST", 15_000))?.class).toBe("dns");
  });

  it("refused: nothing listens on the port; and a server that resets the connection", async () => {
    const closed = net.createServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    expect(await diagnose(`http://127.0.0.1:${port}/notify`)).toEqual({ class: "refused", detail: "ECONNREFUSED" });
    const resetting = net.createServer((socket) => socket.resetAndDestroy());
    const resetPort = await listen(resetting);
    expect((await diagnose(`http://127.0.0.1:${resetPort}/notify`))?.class).toBe("refused");
  });

  it("timeout: a shop that never answers", async () => {
    const port = await listen(http.createServer(() => undefined));
    expect((await diagnose(`http://127.0.0.1:${port}/notify`, "POST", 300))?.class).toBe("timeout");
  });

  it("tls_expired and tls_self_signed: HTTPS servers with such certificates", async () => {
    const expired = await listen(https.createServer(makeCert("expired", true), (_q, r) => r.end("success")));
    expect(await diagnose(`https://127.0.0.1:${expired}/notify`)).toEqual({
      class: "tls_expired",
      detail: "CERT_HAS_EXPIRED",
    });
    const selfSigned = await listen(https.createServer(makeCert("self", false), (_q, r) => r.end("success")));
    expect(await diagnose(`https://127.0.0.1:${selfSigned}/notify`)).toEqual({
      class: "tls_self_signed",
      detail: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
  });

  it("redirect: a 302 (http → https) is the shop's answer, not followed", async () => {
    const port = await answering(302, "", { Location: "https://shop.example/notify" });
    expect(await diagnose(`http://127.0.0.1:${port}/notify`)).toEqual({ class: "redirect", detail: "302" });
  });

  it("not_found_or_method: 404, and a route that takes only POST answering a GET with 405", async () => {
    expect((await diagnose(`http://127.0.0.1:${await answering(404, "Not Found")}/x`))?.class).toBe(
      "not_found_or_method",
    );
    const port = await answering(405, "Method Not Allowed");
    expect(await diagnose(`http://127.0.0.1:${port}/notify?trade_status=TRADE_SUCCESS`, "GET")).toEqual({
      class: "not_found_or_method",
      detail: "405 GET",
    });
  });

  it("waf_challenge: Cloudflare's 403 challenge and 宝塔's 503 block page; a plain 503 is a server error", async () => {
    const cf = await answering(
      403,
      '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script></body></html>',
    );
    expect(await diagnose(`http://127.0.0.1:${cf}/notify`)).toEqual({ class: "waf_challenge", detail: "cloudflare" });
    const bt = await answering(
      503,
      "<html><head><title>宝塔网站防火墙</title></head><body>您的请求带有不合法参数，已被网站管理员设置拦截！</body></html>",
    );
    expect(await diagnose(`http://127.0.0.1:${bt}/notify`)).toEqual({ class: "waf_challenge", detail: "baota" });
    expect(await diagnose(`http://127.0.0.1:${await answering(503, "Service Unavailable")}/notify`)).toEqual({
      class: "server_error",
      detail: "503",
    });
  });

  it("server_error: a 500", async () => {
    expect((await diagnose(`http://127.0.0.1:${await answering(500, "Fatal error")}/notify`))?.class).toBe(
      "server_error",
    );
  });

  it("bad_ack: 200 with an HTML page, JSON or fail; a BOM before success is accepted", async () => {
    const url = async (body: string) => `http://127.0.0.1:${await answering(200, body)}/notify`;
    expect(await diagnose(await url("<html><body>Welcome to nginx!</body></html>"))).toEqual({
      class: "bad_ack",
      detail: "html",
    });
    expect(await diagnose(await url('{"code":0,"msg":"ok"}'))).toEqual({ class: "bad_ack", detail: "json" });
    expect(await diagnose(await url("fail"))).toEqual({ class: "bad_ack", detail: "fail" });
    expect(await diagnose(await url(""))).toEqual({ class: "bad_ack", detail: "empty" });
    const bom = await sendAttempt(notification(await url("\uFEFFsuccess\n")), { timeoutMs: 2000, policy });
    expect(bom).toMatchObject({ delivered: true, diagnosis: null });
  });

  it("url_refused: a private address the merchant did not allow", async () => {
    const port = await answering(200, "success");
    const r = await sendAttempt(notification(`http://127.0.0.1:${port}/notify`), {
      timeoutMs: 2000,
      policy: { allowedHosts: [] },
    });
    expect(r.diagnosis?.class).toBe("url_refused");
  });
});

describe("the doctor's rules", () => {
  it("names TLS host mismatches and other codes without a server", () => {
    const t = (error: string) => diagnoseAttempt({ httpStatus: null, body: null, error, method: "POST" }).class;
    expect(t("ERR_TLS_CERT_ALTNAME_INVALID")).toBe("tls_wrong_host");
    expect(t("EAI_AGAIN")).toBe("dns");
    expect(t("timeout after 10000 ms")).toBe("timeout");
    expect(t("ERR_SSL_WRONG_VERSION_NUMBER")).toBe("tls_other");
    expect(t("EWHATEVER")).toBe("other");
  });

  it("stores and reads back a class with its detail; every class has both texts", () => {
    expect(parseDoctorCode(doctorCode({ class: "bad_ack", detail: "html" }))).toEqual({
      class: "bad_ack",
      detail: "html",
    });
    expect(parseDoctorCode("nonsense")).toEqual({ class: "other", detail: "nonsense" });
    for (const c of DOCTOR_CLASSES) {
      expect(doctorText({ class: c, detail: null }).hint).toMatch(/[\u4e00-\u9fa5]/);
      expect(doctorText({ class: c, detail: null }, "en").hint).toMatch(/^[\x20-\x7e’…→]+$/);
    }
    expect(doctorText({ class: "bad_ack", detail: "bom" }).hint).toContain("BOM");
  });
});

describe("acknowledgements per protocol (docs/notify-acks.md)", () => {
  it("cloudpay and vmq: success in any case, BOM and whitespace removed; epay: the word success anywhere", () => {
    for (const p of ["cloudpay", "vmq"] as const) {
      expect(["success", "\uFEFFsuccess", "success\r\n", " SUCCESS "].every((b) => isNotifyAck(p, b))).toBe(true);
      expect(["<p>success</p>", '{"msg":"success"}', "fail", "", "successful"].some((b) => isNotifyAck(p, b))).toBe(
        false,
      );
    }
    expect(
      ["success", "Notice: x\nsuccess", "<p>SUCCESS</p>", '{"msg":"success"}'].every((b) => isNotifyAck("epay", b)),
    ).toBe(true);
    expect(["unsuccessful", "fail", "", "successes"].some((b) => isNotifyAck("epay", b))).toBe(false);
  });

  it("reads the protocol from the stored notification's shape", () => {
    expect(notificationProtocol({ method: "POST", url: "https://s/n" })).toBe("cloudpay");
    expect(notificationProtocol({ method: "GET", url: "https://s/n?pid=1&trade_status=TRADE_SUCCESS&sign=x" })).toBe(
      "epay",
    );
    expect(notificationProtocol({ method: "GET", url: "https://s/n?payId=1&reallyPrice=1.00&sign=x" })).toBe("vmq");
    // A shape no protocol writes gets the strict rule.
    expect(notificationProtocol({ method: "GET", url: "https://s/n?id=1" })).toBeUndefined();
    expect([" SUCCESS\r\n", "\uFEFFsuccess"].every((b) => isNotifyAck(undefined, b))).toBe(true);
    expect(isNotifyAck(undefined, "<p>success</p>")).toBe(false);
  });
});

describe("the dispatcher records the doctor's class", () => {
  it("on the attempt row and in paydesk_notification_failures_total{class}", async () => {
    const port = await answering(403, "<title>Just a moment...</title>");
    const kept: AttemptResult[] = [];
    const outbox = {
      finishAttempt: async (_id: number, _o: string, _now: number, r: AttemptResult) => (kept.push(r), true),
    };
    const count = async () =>
      (await metrics().notificationFailures.get()).values.find((v) => v.labels.class === "waf_challenge")?.value ?? 0;
    const before = await count();
    await deliver(outbox, notification(`http://127.0.0.1:${port}/notify`), {
      owner: "t",
      now: Date.now,
      urlPolicy: () => policy,
      timeoutMs: 2000,
      log: pino({ level: "silent" }),
    });
    expect(kept[0]?.attempt).toMatchObject({
      http_status: 403,
      outcome: "retry",
      doctor_class: "waf_challenge:cloudflare",
    });
    expect(await count()).toBe(before + 1);
  });
});
