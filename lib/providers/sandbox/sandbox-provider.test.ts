import { describe, expect, it } from "vitest";
import { statelessProviderDeps } from "@/test/support/test-context";
import { sandboxChannelSchema } from "./config";
import { sandboxNotifySign, sandboxProvider } from "./sandbox-provider";

describe("sandbox provider", () => {
  const channel = sandboxChannelSchema.parse({ id: "sbx", provider: "sandbox", types: ["alipay"], key: "k-sbx" });
  const provider = sandboxProvider.create(
    channel,
    statelessProviderDeps(() => Promise.reject(new Error("no network"))),
  );

  it("signs notifications md5(order_id+amount+trade_no+key)", () => {
    // printf '%s' 'ORD11000T1sandbox' | md5sum
    expect(sandboxNotifySign({ order_id: "ORD1", amount: "1000", trade_no: "T1" }, "sandbox")).toBe(
      "076fd1b072af4af440fca3f9fafe7713",
    );
  });

  it("accepts the notification it builds for the simulate button, and nothing forged", async () => {
    const rawBody = provider.simulatedNotifyBody!({ orderId: "ORD1", amountFen: 1234, tradeNo: "SBX1" });
    const request = (body: string) => ({
      method: "POST",
      url: new URL("http://x/api/notify/sbx"),
      headers: new Headers(),
      rawBody: body,
    });
    expect(await provider.parseNotify(request(rawBody))).toMatchObject({
      kind: "payment",
      tradeNo: "SBX1",
      amountFen: 1234,
      match: { by: "order_id", orderId: "ORD1" },
    });
    const forged = rawBody.replace("amount=1234", "amount=1");
    expect(await provider.parseNotify(request(forged))).toMatchObject({ kind: "rejected" });
  });
});
