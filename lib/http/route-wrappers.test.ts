import { describe, expect, it } from "vitest";
import { useTestContext } from "@/test/support/databases";
import { chooseRoute } from "./choose-route";
import { demoNotifyRoute, demoReceiptsRoute } from "@/lib/demo/demo-routes";
import { metricsRoute, notifyRoute, vmqApiRoute, vmqMonitorRoute } from "./param-routes";

/** The wrappers the one-line app/ route files export: params unwrapped, the same answers as the handlers. */
describe("route wrappers", () => {
  const ctx = useTestContext();
  const factory = async () => ctx;
  const BASE = "http://paydesk.test";
  const params = <P>(p: P) => ({ params: Promise.resolve(p) });

  it("choose: a cross-site form post is refused before anything is read", async () => {
    const res = await chooseRoute(factory)(
      new Request(`${BASE}/pay/x/choose`, {
        method: "POST",
        headers: { origin: "https://evil.example", host: "paydesk.test" },
        body: "type=alipay",
      }),
      params({ id: "x" }),
    );
    expect(res.status).toBe(403);
  });

  it("choose: back to the page with its own parameters, choice=failed naming the wallet when no code came", async () => {
    const res = await chooseRoute(factory)(
      new Request(`${BASE}/pay/nope/choose?embed=1&lang=en&other=x`, {
        method: "POST",
        headers: { origin: BASE, host: "paydesk.test", "content-type": "application/x-www-form-urlencoded" },
        body: "type=wxpay",
      }),
      params({ id: "nope" }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("location")).toBe("/pay/nope?embed=1&lang=en&choice=failed&failed=wxpay");
  });

  it("demo routes answer as if absent while the demo shop is off", async () => {
    expect(ctx.config.demoShop).toBe(false);
    expect((await demoReceiptsRoute(factory)(new Request(`${BASE}/demo/api/receipts?order_id=x`))).status).toBe(404);
    const notify = new Request(`${BASE}/demo/notify`, { method: "POST", body: "a=b" });
    expect((await demoNotifyRoute(factory)(notify)).status).toBe(404);
  });

  it("demo receipts: the shop's receipts for the order, not cached", async () => {
    const on = { ...ctx, config: { ...ctx.config, demoShop: true } };
    const res = await demoReceiptsRoute(async () => on)(new Request(`${BASE}/demo/api/receipts?order_id=x`));
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ receipts: [] });
  });

  it("params reach the handlers: unknown channels, actions and a metrics endpoint that is off", async () => {
    const unknown = await vmqMonitorRoute(factory)(
      new Request(`${BASE}/api/vmq/none/appHeart`),
      params({ channel: "none" }),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe("unknown channel");
    const api = await vmqApiRoute(factory)(
      new Request(`${BASE}/vmq/k1/nosuch`),
      params({ appkey: "k1", action: "nosuch" }),
    );
    expect(await api.json()).toMatchObject({ code: -1, msg: "未知接口" });
    const notify = await notifyRoute(factory)(
      new Request(`${BASE}/api/notify/none`, { method: "POST", body: "x=1" }),
      params({ channel: "none" }),
    );
    expect(notify.status).toBeGreaterThanOrEqual(400);
    expect((await metricsRoute(factory)(new Request(`${BASE}/api/metrics`))).status).toBe(404);
  });
});
