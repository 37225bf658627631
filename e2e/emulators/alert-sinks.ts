import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/**
 * Local stand-ins for the alert sinks' APIs: 企业微信 group robot, 钉钉 custom robot (checks 加签), Telegram Bot API
 * sendMessage, a generic webhook receiver (checks X-Paydesk-Signature) and an SMTP server (the `smtp-server`
 * package). Like the provider emulators, they share no code with lib/: each re-implements the check from the vendor's
 * documented wire format (docs/alerts.md), so a signing bug in Paydesk is not mirrored here.
 */

/** How the emulator behaves: answers, answers with an HTTP error, never answers, or cuts the connection. */
export type SinkMode = "up" | "error" | "hang" | "reset";

export interface ReceivedCall {
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export interface SinkEmulator {
  url: string;
  received: ReceivedCall[];
  /** Calls that arrived while the sink was not up (or failed its checks). */
  refused: number;
  mode: SinkMode;
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown };

async function startHttpSink(handle: (call: ReceivedCall) => Answer | null): Promise<SinkEmulator> {
  const hanging = new Set<http.ServerResponse>();
  const emulator: SinkEmulator = {
    url: "",
    received: [],
    refused: 0,
    mode: "up",
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (emulator.mode !== "up") {
        emulator.refused++;
        if (emulator.mode === "reset") return req.socket.destroy();
        if (emulator.mode === "hang") return void hanging.add(res);
        res.writeHead(502, { "Content-Type": "text/html" });
        return void res.end("<html><body>502 Bad Gateway</body></html>");
      }
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown = null;
      try {
        json = JSON.parse(body) as unknown;
      } catch {
        json = null;
      }
      const call: ReceivedCall = {
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        json,
      };
      const answer = handle(call);
      if (answer === null) emulator.refused++;
      else emulator.received.push(call);
      const out = answer ?? { status: 400, body: { error: "refused by the emulator's checks" } };
      res.writeHead(out.status, { "Content-Type": "application/json; charset=utf-8" });
      res.end(typeof out.body === "string" ? out.body : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  emulator.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return emulator;
}

const robotError = (errcode: number, errmsg: string): Answer => ({ status: 200, body: { errcode, errmsg } });

/**
 * 企业微信 group robot: `POST /cgi-bin/webhook/send?key=KEY`, JSON `{msgtype: "text", text: {content}}` (≤ 2048 bytes)
 * or `{msgtype: "markdown", markdown: {content}}` (≤ 4096 bytes); answers `{errcode: 0, errmsg: "ok"}`.
 */
export function startWecomRobot(key: string): Promise<SinkEmulator> {
  return startHttpSink((c) => {
    if (c.path !== "/cgi-bin/webhook/send") return null;
    if (c.query.key !== key) return robotError(93000, "invalid webhook url");
    const m = c.json as { msgtype?: string; text?: { content?: unknown }; markdown?: { content?: unknown } } | null;
    const content =
      m?.msgtype === "text" ? m.text?.content : m?.msgtype === "markdown" ? m.markdown?.content : undefined;
    if (typeof content !== "string" || content === "") return robotError(40008, "invalid message type");
    if (Buffer.byteLength(content) > (m?.msgtype === "text" ? 2048 : 4096))
      return robotError(40058, "content exceed max length");
    return robotError(0, "ok");
  });
}

/**
 * 钉钉 custom robot with 加签: `POST /robot/send?access_token=T&timestamp=MS&sign=S`, S = urlEncode(base64(
 * HMAC-SHA256(secret, MS + "\n" + secret))), MS within an hour of the robot's clock; JSON `{msgtype: "markdown",
 * markdown: {title, text}}` or `{msgtype: "text", text: {content}}`.
 */
export function startDingtalkRobot(
  accessToken: string,
  secret: string,
  now: () => number = Date.now,
): Promise<SinkEmulator> {
  return startHttpSink((c) => {
    if (c.path !== "/robot/send") return null;
    if (c.query.access_token !== accessToken) return robotError(300001, "token is not exist");
    const ts = Number(c.query.timestamp);
    if (!Number.isFinite(ts) || Math.abs(now() - ts) > 3_600_000) return robotError(310000, "invalid timestamp");
    const expected = Buffer.from(createHmac("sha256", secret).update(`${ts}\n${secret}`).digest("base64"));
    // URLSearchParams already decoded the url-encoded sign once.
    const given = Buffer.from(c.query.sign ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return robotError(310000, "sign not match");
    const m = c.json as {
      msgtype?: string;
      markdown?: { title?: unknown; text?: unknown };
      text?: { content?: unknown };
    } | null;
    const ok =
      (m?.msgtype === "markdown" && typeof m.markdown?.title === "string" && typeof m.markdown.text === "string") ||
      (m?.msgtype === "text" && typeof m.text?.content === "string");
    return ok ? robotError(0, "ok") : robotError(40035, "缺少参数 json");
  });
}

/** Telegram Bot API: `POST /bot<token>/sendMessage` with JSON `{chat_id, text}`; `{ok: true, result: Message}`. */
export function startTelegramBot(token: string): Promise<SinkEmulator> {
  let messageId = 0;
  return startHttpSink((c) => {
    if (c.path !== `/bot${token}/sendMessage`)
      return { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
    const m = c.json as { chat_id?: unknown; text?: unknown } | null;
    if (
      (typeof m?.chat_id !== "string" && typeof m?.chat_id !== "number") ||
      typeof m.text !== "string" ||
      m.text === ""
    )
      return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message text is empty" } };
    if (m.text.length > 4096)
      return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message is too long" } };
    return {
      status: 200,
      body: { ok: true, result: { message_id: ++messageId, chat: { id: m.chat_id }, text: m.text } },
    };
  });
}

/**
 * A receiver of Paydesk's generic webhook that verifies `X-Paydesk-Signature: t=<unix>,v1=<hex>` with
 * HMAC-SHA256(secret, t + "." + body) and a five-minute window, as docs/alerts.md tells receivers to.
 */
export function startWebhookReceiver(
  secret: string,
  nowS: () => number = () => Date.now() / 1000,
): Promise<SinkEmulator> {
  return startHttpSink((c) => {
    const header = String(c.headers["x-paydesk-signature"] ?? "");
    const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
    const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
    if (!t || !v1 || Math.abs(nowS() - Number(t)) > 300) return null;
    const expected = createHmac("sha256", secret).update(`${t}.${c.body}`).digest();
    if (!timingSafeEqual(expected, Buffer.from(v1, "hex"))) return null;
    return { status: 200, body: "ok" };
  });
}

export interface SmtpSink {
  port: number;
  messages: Array<{ from: string; to: string[]; raw: string }>;
  close(): Promise<void>;
}

/** A local SMTP server (no TLS, optional login) that keeps every message it accepts. */
export async function startSmtpSink(login?: { user: string; pass: string }): Promise<SmtpSink> {
  const messages: SmtpSink["messages"] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: login ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    allowInsecureAuth: true,
    authOptional: !login,
    logger: false,
    onAuth(auth, _session, cb) {
      if (login && auth.username === login.user && auth.password === login.pass)
        return cb(null, { user: auth.username });
      cb(new Error("535 authentication failed"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address() as AddressInfo;
  return { port: address.port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
