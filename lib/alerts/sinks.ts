import "server-only";
import nodemailer from "nodemailer";
import { SHANGHAI_OFFSET_MS } from "@/lib/time/beijing-day";
import type { SinkConfig } from "@/lib/config/alerts";
import { dingtalkSignedQuery, webhookSignature } from "./signing";

/**
 * One alert sent to one sink, in that sink's wire format (docs/alerts.md; emulated in e2e/emulators/alert-sinks.ts).
 * Never throws: every failure is an answer the outbox records and retries on.
 */

export interface AlertMessage {
  id: number;
  condition: string | null;
  kind: string;
  severity: string;
  title: string;
  body: string;
  createdAt: number;
}

export interface SinkResult {
  ok: boolean;
  /** What the sink said (status and the start of its body) or the transport error, for the alert history. */
  answer: string;
  /** The sink asked to wait this long before the next try (Telegram's retry_after, HTTP Retry-After). */
  retryAfterMs?: number;
}

export interface SinkDeps {
  now: number;
  timeoutMs: number;
}

const ANSWER_LIMIT = 500;

const TAGS: Record<string, string> = { info: "提示", warning: "警告", critical: "严重" };

function tag(m: AlertMessage): string {
  return m.kind === "recovered" ? "【恢复】" : `【${TAGS[m.severity] ?? m.severity}】`;
}

/** `YYYY-MM-DD HH:MM:SS` in Beijing time (what the operator's clock shows). */
export function beijingTime(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** Cuts a string to at most `bytes` UTF-8 bytes (the robots count bytes, not characters) without splitting one. */
export function cutBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = "";
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > bytes - 3) break;
    out += ch;
  }
  return `${out}…`;
}

export function plainText(m: AlertMessage): string {
  return `${tag(m)}${m.title}\n${m.body}\n${beijingTime(m.createdAt)}（北京时间）· Paydesk`;
}

function markdown(m: AlertMessage): string {
  const quoted = m.body
    .split("\n")
    .map((l) => `> ${l}`)
    .join("\n");
  return `**${tag(m)}${m.title}**\n${quoted}\n\n${beijingTime(m.createdAt)}（北京时间）· Paydesk`;
}

async function postJson(url: string, payload: unknown, headers: Record<string, string>, deps: SinkDeps) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", "User-Agent": "Paydesk-Alerts/1", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    const text = (await res.text()).slice(0, ANSWER_LIMIT);
    const retryAfter = Number(res.headers.get("retry-after"));
    return { status: res.status, text, retryAfterMs: retryAfter > 0 ? retryAfter * 1000 : undefined };
  } catch (err) {
    // fetch says only "fetch failed"; the reason is its cause's code (ECONNREFUSED, ENOTFOUND) or, for what fetch
    // itself refuses (a blocked port such as 9), its cause's message.
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return {
      status: 0,
      text:
        e.name === "TimeoutError"
          ? `timeout after ${deps.timeoutMs} ms`
          : (e.cause?.code ?? e.cause?.message ?? e.message),
    };
  }
}

/** 企业微信 and 钉钉 robots answer HTTP 200 with `{errcode, errmsg}`: only errcode 0 is a delivery. */
function robotResult(r: { status: number; text: string; retryAfterMs?: number }): SinkResult {
  const answer = `${r.status} ${r.text}`.trim();
  if (r.status !== 200) return { ok: false, answer, retryAfterMs: r.retryAfterMs };
  const parsed = safeJson(r.text) as { errcode?: unknown } | null;
  return { ok: parsed?.errcode === 0, answer };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export async function sendToSink(sink: SinkConfig, m: AlertMessage, deps: SinkDeps): Promise<SinkResult> {
  switch (sink.type) {
    case "webhook": {
      const payload = {
        id: m.id,
        condition: m.condition,
        kind: m.kind,
        severity: m.severity,
        title: m.title,
        body: m.body,
        created_at: m.createdAt,
      };
      const body = JSON.stringify(payload);
      const signature = webhookSignature(sink.secret, body, Math.floor(deps.now / 1000));
      // Sent as the exact string that was signed.
      const r = await postJson(sink.url, body, { "X-Paydesk-Signature": signature }, deps);
      return {
        ok: r.status >= 200 && r.status < 300,
        answer: `${r.status} ${r.text}`.trim(),
        retryAfterMs: r.retryAfterMs,
      };
    }
    case "wecom": {
      const url = `${sink.url}?key=${encodeURIComponent(sink.key)}`;
      // markdown content: at most 4096 bytes; text: 2048 (the robot refuses longer ones with errcode 40058).
      const payload =
        sink.msgtype === "markdown"
          ? { msgtype: "markdown", markdown: { content: cutBytes(markdown(m), 4096) } }
          : { msgtype: "text", text: { content: cutBytes(plainText(m), 2048) } };
      return robotResult(await postJson(url, payload, {}, deps));
    }
    case "dingtalk": {
      const signed = sink.secret ? `&${dingtalkSignedQuery(sink.secret, deps.now)}` : "";
      const url = `${sink.url}?access_token=${encodeURIComponent(sink.access_token)}${signed}`;
      const payload = { msgtype: "markdown", markdown: { title: `${tag(m)}${m.title}`, text: markdown(m) } };
      return robotResult(await postJson(url, payload, {}, deps));
    }
    case "telegram": {
      const url = `${sink.api_base}/bot${sink.bot_token}/sendMessage`;
      // Plain text (no parse_mode): titles carry shop names and error bodies that Markdown would choke on.
      const payload = { chat_id: sink.chat_id, text: plainText(m).slice(0, 4096), disable_web_page_preview: true };
      const r = await postJson(url, payload, {}, deps);
      const parsed = safeJson(r.text) as { ok?: unknown; parameters?: { retry_after?: unknown } } | null;
      const retry = parsed?.parameters?.retry_after;
      return {
        ok: r.status === 200 && parsed?.ok === true,
        // The token is part of the URL, never of the answer: what is recorded is Telegram's reply only.
        answer: `${r.status} ${r.text}`.trim(),
        retryAfterMs: typeof retry === "number" ? retry * 1000 : r.retryAfterMs,
      };
    }
    case "email":
      return sendMail(sink, m, deps);
  }
}

async function sendMail(
  sink: Extract<SinkConfig, { type: "email" }>,
  m: AlertMessage,
  deps: SinkDeps,
): Promise<SinkResult> {
  const transport = nodemailer.createTransport({
    host: sink.host,
    port: sink.port,
    secure: sink.secure ?? sink.port === 465,
    auth: sink.user ? { user: sink.user, pass: sink.pass ?? "" } : undefined,
    connectionTimeout: deps.timeoutMs,
    greetingTimeout: deps.timeoutMs,
    socketTimeout: deps.timeoutMs,
  });
  try {
    const info = await transport.sendMail({
      from: sink.from,
      to: sink.to.join(", "),
      subject: `[Paydesk] ${tag(m)}${m.title}`,
      text: plainText(m),
    });
    return { ok: info.rejected.length === 0, answer: String(info.response).slice(0, ANSWER_LIMIT) };
  } catch (err) {
    const e = err as Error & { code?: string; response?: string };
    return { ok: false, answer: (e.response ?? e.code ?? e.message).slice(0, ANSWER_LIMIT) };
  } finally {
    transport.close();
  }
}
