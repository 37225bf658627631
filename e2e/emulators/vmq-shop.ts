import { md5Hex, startEmulatorServer, NO_FAULTS, type EmulatorResponse } from "./emulator-kit";

/**
 * A shop written for V免签 (docs/protocols/vmq.md), independent of lib/: its "buy" link sends the payer to
 * `{host}/createOrder?…&isHtml=1` signed `md5(payId + param + type + price + key)`, with its own notifyUrl and
 * returnUrl; its notify endpoint and return page check `md5(payId + param + type + price + reallyPrice + key)`.
 *   GET /buy?price=1.00&type=1   → 302 to the V免签 host's createOrder
 *   GET /notify?…                → `success` when the signature verifies
 *   GET /return?…                → an HTML page saying whether the query verified and how many notifies did
 */
export interface VmqShop {
  url: string;
  /** Verified notifies per payId. */
  notified: Map<string, number>;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

export async function startVmqShop(opts: { host: string; key: string; port?: number }): Promise<VmqShop> {
  const notified = new Map<string, number>();
  let seq = 0;
  let selfUrl = "";
  const verifies = (q: URLSearchParams) =>
    q.get("sign") ===
    md5Hex(`${q.get("payId")}${q.get("param")}${q.get("type")}${q.get("price")}${q.get("reallyPrice")}${opts.key}`);

  const server = await startEmulatorServer(
    async (req): Promise<EmulatorResponse> => {
      const q = req.url.searchParams;
      if (req.url.pathname === "/buy") {
        const payId = `vs${Date.now()}${++seq}`;
        const price = q.get("price") ?? "1.00";
        const type = q.get("type") ?? "1";
        const param = `buyer-${seq}`;
        const create = new URLSearchParams({
          payId,
          type,
          price,
          param,
          sign: md5Hex(payId + param + type + price + opts.key),
          notifyUrl: `${selfUrl}/notify`,
          returnUrl: `${selfUrl}/return`,
          isHtml: "1",
        });
        return { status: 302, body: "", contentType: "text/plain", location: `${opts.host}/createOrder?${create}` };
      }
      if (req.url.pathname === "/notify") {
        if (req.method !== "GET" || !verifies(q)) return { status: 200, body: "fail" };
        const payId = q.get("payId") ?? "";
        notified.set(payId, (notified.get(payId) ?? 0) + 1);
        return { status: 200, body: "success" };
      }
      if (req.url.pathname === "/return") {
        const ok = verifies(q);
        const count = notified.get(q.get("payId") ?? "") ?? 0;
        const body = `<h1>V免签商店</h1><p data-testid="vmq-return-verified">${ok ? "验签通过" : "验签失败"}</p>
<p data-testid="vmq-notify-count">已收到 ${count} 条验签通过的通知</p><p data-testid="vmq-really-price">${q.get("reallyPrice") ?? ""}</p>`;
        return { status: 200, body: page("返回", body), contentType: "text/html; charset=utf-8" };
      }
      return { status: 404, body: "not found" };
    },
    () => NO_FAULTS,
    opts.port ?? 0,
  );
  selfUrl = server.url;
  return { url: server.url, notified, close: server.close };
}
