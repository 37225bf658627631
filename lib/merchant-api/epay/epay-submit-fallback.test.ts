import { beforeEach, describe, expect, it } from "vitest";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { loadCashierModel } from "@/lib/cashier/page-model";
import { EPAY_MERCHANT, EpayShop, signedRequest } from "@/test/support/epay-client";
import { usePaydeskServer } from "@/test/support/paydesk-server";
import { testConfigFile } from "@/test/support/test-context";

/**
 * submit.php when every channel of the requested wallet is down (issue 23): the payer's browser is waiting, so it
 * lands on the cashier (retry, other wallets, back to the shop) instead of an error page quoting the provider.
 */
describe("epay submit.php when the wallet's channels fail upstream", () => {
  const shop = new EpayShop("dujiaoka");
  let seq = 0;
  const { ctx, paydesk } = usePaydeskServer(shop, () => {
    const file = testConfigFile({
      channels: [
        // Nothing listens on port 9: the call is refused at once, like a provider that is down.
        { id: "ali-down", provider: "payjs", types: ["alipay"], base_url: "http://127.0.0.1:9", mchid: "1", key: "k" },
        { id: "wx-ok", provider: "sandbox", key: "sandbox", types: ["wxpay"] },
        { id: "sandbox", provider: "sandbox", key: "sandbox", types: ["qqpay"] },
      ],
    });
    file.merchants[0]!.channels = ["ali-down", "wx-ok"];
    file.merchants[0]!.epay = { pid: EPAY_MERCHANT.pid, key: EPAY_MERCHANT.key, allowed_hosts: ["127.0.0.1"] };
    return file;
  });
  beforeEach(() => channelBreaker().recordSuccess("ali-down"));

  const submit = (type: string) =>
    fetch(
      `${paydesk.url}/submit.php?${new URLSearchParams(
        signedRequest("sdk", {
          type,
          out_trade_no: `F${Date.now()}${++seq}`,
          notify_url: `${shop.url}/notify`,
          return_url: `${shop.url}/return`,
          name: "月付套餐",
          money: "10.00",
        }),
      )}`,
      { redirect: "manual" },
    );

  it("goes to the cashier's failure state, with the other wallets, the detail only on the order's timeline", async () => {
    const res = await submit("alipay");
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.searchParams.get("choice")).toBe("failed");
    expect(location.searchParams.get("failed")).toBe("alipay");
    const id = location.pathname.split("/").pop() ?? "";
    const order = await ctx.repos.orders.findOrderById(id);
    expect(order).toMatchObject({ status: "pending", type: null, name: "月付套餐" });
    const model = await loadCashierModel(ctx, id, { userAgent: null });
    expect(model).toMatchObject({ kind: "choose", types: ["alipay", "wxpay"], productName: "月付套餐" });
    const timeline = await ctx.repos.consoleAudit.listAuditForOrder(id);
    expect(timeline.map((e) => [e.action, e.detail?.startsWith("ali-down: PAYJS")])).toEqual([["code_failed", true]]);
    // The same request again (the payer reloads submit.php) finds the same order.
    const again = await fetch(res.url, { redirect: "manual" });
    expect(again.headers.get("location")).toContain(id);
  });

  it("a wallet that works goes straight to its code, as before", async () => {
    const res = await submit("wxpay");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).not.toContain("choice=failed");
  });
});
