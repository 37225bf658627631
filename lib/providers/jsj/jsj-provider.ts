import "server-only";
import { z } from "zod";
import { md5, signaturesEqual } from "@/lib/crypto/digest";
import { formatYuan, parseYuan } from "@/lib/money";
import {
  UpstreamError,
  type CreatePaymentInput,
  type CreatePaymentResult,
  type NotifyOutcome,
  type NotifyRequest,
  type PaymentMatch,
  type PaymentProvider,
  type ProviderAck,
  type ProviderDefinition,
  type ProviderDeps,
} from "@/lib/providers/types";
import type { PayType } from "@/lib/pay-types";
import { textAck } from "@/lib/providers/provider-ack";
import { upstreamText } from "@/lib/providers/upstream-fetch";
import { jsjChannelSchema, type JsjChannel } from "./config";

const SUCCESS = textAck("success");
const BAD_KEY = textAck("error");
/** Paydesk could not record the payment: a non-2xx makes the gateway come back later instead of forgetting it. */
const RETRY = textAck("error", 500);
const QUOTE_LIMIT = 120;

/**
 * `addnum`, JSJ's order number (≤ 20 alphanumerics), derived from our order id so the same order always gets the
 * same addnum. It is stored as the order's provider order id, which is how a callback finds its order. Lowercase
 * hex because the gateway lowercases the addnum it receives (docs/providers/jsj.md#how-it-works); 80 bits keep
 * collisions out of reach.
 */
export function jsjAddnum(orderId: string): string {
  return md5(`paydesk-jsj:${orderId}`).slice(0, 20);
}

/** The create form's `apikey`: `md5(APIKEY)`, so the key itself never travels. */
export function jsjRequestKey(apikey: string): string {
  return md5(apikey);
}

/** The callback's `apikey`: `md5(APIKEY + addnum + uid + total)` over the strings exactly as received. */
export function jsjCallbackKey(apikey: string, f: { addnum: string; uid: string; total: string }): string {
  return md5(apikey + f.addnum + f.uid + f.total);
}

/** Which wallet a JSJ code opens, or null when the body is not a code at all (then it is an error text). */
export function jsjCodeWallet(content: string): PayType | null {
  if (/^(weixin|wxp):\/\/\S+$/.test(content)) return "wxpay";
  if (/^https:\/\/(qpay\.qq\.com|i\.qianbao\.qq\.com)\/\S+$/.test(content)) return "qqpay";
  return null;
}

const callbackSchema = z.object({
  addnum: z.string().regex(/^[A-Za-z0-9]{1,20}$/),
  total: z.string().min(1).max(16),
  uid: z.string().max(64).default(""),
  apikey: z.string().regex(/^[0-9A-Fa-f]{32}$/),
});

/** The gateway sends the callback as GET or POST form, POST first (docs/providers/jsj.md#how-it-works). */
function callbackFields(request: NotifyRequest): Record<string, string> {
  const fields: Record<string, string> = Object.fromEntries(request.url.searchParams);
  if (request.method !== "GET" && request.rawBody) {
    for (const [k, v] of new URLSearchParams(request.rawBody)) fields[k] = v;
  }
  return fields;
}

/** A payer's browser (any Mozilla-compatible UA) as opposed to the gateway's server-to-server call. */
function fromBrowser(request: NotifyRequest): boolean {
  return /Mozilla\//i.test(request.headers.get("user-agent") ?? "");
}

/**
 * A browser carrying a valid callback is credited like any callback (only JSJ can sign it, and the trade applies
 * once), then sent on to the page: the ack is a tiny HTML page that reloads this URL with only the addnum, which
 * the unsigned-browser path answers with a redirect to the cashier page.
 */
function browserAck(addnum: string): ProviderAck {
  const target = `?addnum=${encodeURIComponent(addnum)}`;
  return {
    status: 200,
    contentType: "text/html; charset=utf-8",
    body: `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><a href="${target}">返回支付页面</a>`,
  };
}

function quote(text: string): string {
  if (!text) return "空应答";
  if (text.startsWith("<")) return "无法识别的应答";
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
}

async function createPayment(
  channel: JsjChannel,
  deps: ProviderDeps,
  input: CreatePaymentInput,
): Promise<CreatePaymentResult> {
  if (input.type !== "wxpay" && input.type !== "qqpay") throw new UpstreamError("金沙江：不支持该支付方式");
  const addnum = jsjAddnum(input.orderId);
  const form = new URLSearchParams({
    addnum,
    total: formatYuan(input.amountFen),
    showurl: input.notifyUrl,
    // The gateway echoes uid in the signed callback; the addnum is all we need there, and the shop's customer
    // data (custom) has no business travelling upstream.
    uid: addnum,
    apiid: channel.apiid,
    apikey: jsjRequestKey(channel.apikey),
  });
  // The gateway's PHP pages prepend a UTF-8 BOM now and then; it is trimmed before reading the code
  // (docs/providers/jsj.md#how-it-works).
  const text = (
    await upstreamText(deps.fetch, "金沙江", channel.base_url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: form.toString(),
      signal: input.signal,
    })
  )
    .replace(/^\uFEFF/, "")
    .trim();
  const wallet = jsjCodeWallet(text);
  // Anything but a code is the gateway's own explanation (e.g. 金额变动无法支付): pass it on for the merchant.
  if (wallet === null) throw new UpstreamError(`金沙江：${quote(text)}`);
  if (wallet !== input.type) {
    throw new UpstreamError(
      `金沙江：返回的是 ${wallet} 二维码，订单要求 ${input.type}（检查该 apiid 在此地址开通的接口）`,
    );
  }
  return { payload: text, payAmountFen: input.amountFen, providerOrderId: addnum, expiresAt: null, freeAmount: false };
}

function parseCallback(channel: JsjChannel, request: NotifyRequest): NotifyOutcome {
  // The gateway (and the payer's browser coming back) use GET or POST, nothing else.
  if (request.method !== "GET" && request.method !== "POST")
    return { kind: "rejected", reason: "jsj callback must be GET or POST", ack: BAD_KEY };
  const fields = callbackFields(request);
  const browser = fromBrowser(request);
  const parsed = callbackSchema.safeParse(fields);
  const verified = parsed.success && signaturesEqual(jsjCallbackKey(channel.apikey, parsed.data), parsed.data.apikey);
  if (!parsed.success || !verified) {
    if (browser) {
      // The payer coming back: no payment is taken from an unsigned request, the page shows the real state.
      const addnum =
        typeof fields.addnum === "string" && /^[A-Za-z0-9]{1,20}$/.test(fields.addnum) ? fields.addnum : null;
      const match: PaymentMatch = addnum
        ? { by: "provider_order_id", providerOrderId: addnum.toLowerCase() }
        : { by: "none" };
      return { kind: "browser", match };
    }
    return {
      kind: "rejected",
      reason: parsed.success ? "bad jsj callback key" : "malformed jsj callback",
      ack: BAD_KEY,
    };
  }
  const f = parsed.data;
  // The callback credits `total` as sent; the core compares it with the order, so a short payment stays unpaid.
  const amountFen = parseYuan(f.total);
  if (amountFen === null) return { kind: "rejected", reason: "bad jsj total", ack: BAD_KEY };
  const addnum = f.addnum.toLowerCase();
  return {
    kind: "payment",
    // The gateway credits each addnum once ("JSJApiPay_" + addnum); the core's unique (channel, trade no) does too.
    tradeNo: addnum,
    amountFen,
    match: { by: "provider_order_id", providerOrderId: addnum },
    ack: browser ? browserAck(addnum) : SUCCESS,
    raw: { addnum: f.addnum, total: f.total, uid: f.uid, via: browser ? "browser" : "server" },
  };
}

/**
 * 金沙江 JSJ API: a server-to-server native create and a signed callback on the notify URL
 * (docs/providers/jsj.md#how-it-works).
 */
export const jsjProvider: ProviderDefinition<typeof jsjChannelSchema> = {
  schema: jsjChannelSchema,
  create(channel, deps): PaymentProvider {
    return {
      retryAck: RETRY,
      createPayment: (input) => createPayment(channel, deps, input),
      parseNotify: async (request) => parseCallback(channel, request),
    };
  },
};
