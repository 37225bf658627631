import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/storage/database";
import { UpstreamError, type CreatePaymentInput, type NotifyRequest } from "@/lib/providers/types";
import { jsjChannelSchema } from "./config";
import { jsjAddnum, jsjCallbackKey, jsjCodeWallet, jsjProvider, jsjRequestKey } from "./jsj-provider";

// Vectors computed independently of this code, in the shell.
describe("jsj signing", () => {
  it("sends md5(APIKEY) on create", () => {
    // printf '%s' 'jsj-secret' | md5sum
    expect(jsjRequestKey("jsj-secret")).toBe("be697c88bdb20ac146fe3bfa7fe9d0ad");
  });

  it("verifies callbacks with md5(APIKEY + addnum + uid + total)", () => {
    // printf '%s' 'jsj-secreta1b2c3a1b2c312.30' | md5sum
    expect(jsjCallbackKey("jsj-secret", { addnum: "a1b2c3", uid: "a1b2c3", total: "12.30" })).toBe(
      "e2842981addd89f33d561e22a889b702",
    );
    // printf '%s' '12345620170601wx001uid00110.00' | md5sum
    expect(jsjCallbackKey("123456", { addnum: "20170601wx001", uid: "uid001", total: "10.00" })).toBe(
      "c35d5406906c573fe4700613f60dfe1d",
    );
  });

  it("derives a stable ≤20-character lowercase addnum from the order id", () => {
    // printf '%s' 'paydesk-jsj:ORDER123' | md5sum  → first 20 hex digits
    expect(jsjAddnum("ORDER123")).toBe("07ec9ecf4222e22bcdcb");
  });

  it("tells WeChat and QQ codes from error texts", () => {
    expect(jsjCodeWallet("weixin://wxpay/bizpayurl?pr=abc")).toBe("wxpay");
    expect(jsjCodeWallet("https://qpay.qq.com/qr/5a1b2c")).toBe("qqpay");
    expect(jsjCodeWallet("金额变动无法支付")).toBeNull();
    expect(jsjCodeWallet("https://evil.example/qr")).toBeNull();
  });
});

describe("jsj provider (no network)", () => {
  const channel = jsjChannelSchema.parse({
    id: "j1",
    provider: "jsj",
    types: ["wxpay", "qqpay"],
    base_url: "https://jsj.example/api",
    apiid: "1",
    apikey: "k",
  });
  const input = (type: "wxpay" | "qqpay"): CreatePaymentInput => ({
    orderId: "ORDER123",
    amountFen: 1230,
    type,
    notifyUrl: "https://pd.example/api/notify/j1",
    pageUrl: "https://pd.example/pay/ORDER123",
    subject: "Shop",
    payerId: "u1",
    now: 0,
    signal: new AbortController().signal,
  });
  const withReply = (body: string) =>
    jsjProvider.create(channel, { fetch: async () => new Response(body), db: undefined as unknown as Db });

  it("refuses a code of the wrong wallet instead of showing it", async () => {
    const p = withReply("weixin://wxpay/bizpayurl?pr=abc");
    await expect(p.createPayment(input("qqpay"))).rejects.toBeInstanceOf(UpstreamError);
    await expect(p.createPayment(input("wxpay"))).resolves.toMatchObject({
      providerOrderId: "07ec9ecf4222e22bcdcb",
      payAmountFen: 1230,
    });
  });

  it("rejects a callback without a key, and a malformed one, with `error`", async () => {
    const p = withReply("");
    const req = (body: string): NotifyRequest => ({
      method: "POST",
      url: new URL("https://pd.example/api/notify/j1"),
      headers: new Headers(),
      rawBody: body,
    });
    await expect(p.parseNotify(req("addnum=abc&total=1.00&uid=abc"))).resolves.toMatchObject({
      kind: "rejected",
      ack: { body: "error" },
    });
    await expect(p.parseNotify(req("total=1.00"))).resolves.toMatchObject({ kind: "rejected", ack: { body: "error" } });
  });

  it("rejects a jsj channel configured for alipay with a clear message", () => {
    const r = jsjChannelSchema.safeParse({
      id: "j",
      provider: "jsj",
      types: ["alipay"],
      base_url: "https://x.example",
      apiid: "1",
      apikey: "k",
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain("wxpay or qqpay");
  });
});
