import { createHash } from "node:crypto";
import http from "node:http";
import { EPAY_SHOP, EPAY_SHOP_PORT } from "./stack-constants";

/**
 * A fake shop that speaks epay (docs/protocols/epay.md) to Paydesk the way the shop software in the field does, written
 * independently of lib/:
 *   GET /buy/sdk?out=…&money=…      an auto-submitting POST form to submit.php (the official SDK's pagePay)
 *   GET /buy/v2board?out=…&money=…  a redirect to a GET link without `type`, empty fields signed (v2board/Xboard)
 *   GET /notify                     GET only (dujiaoka's route); verified from the query string; answers `success`
 *   GET /return, GET /              the payer's return page (v2board's is `/#/order/{no}`): says whether it verified
 *   GET /api/notified?out=…         how many verified notifies arrived for an order (for the specs)
 */

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

function sign(fields: Record<string, string>, signEmpty: boolean): string {
  const keys = Object.keys(fields)
    .filter((k) => k !== "sign" && k !== "sign_type" && (signEmpty || fields[k] !== ""))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return md5(keys.map((k) => `${k}=${fields[k]}`).join("&") + EPAY_SHOP.key);
}

const verifies = (q: Record<string, string>) => q.sign_type === "MD5" && sign(q, false) === q.sign;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface EpayShop {
  close(): Promise<void>;
}

export async function startEpayShop(paydeskBase: string): Promise<EpayShop> {
  const self = `http://127.0.0.1:${EPAY_SHOP_PORT}`;
  const notified = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", self);
    const q = Object.fromEntries(url.searchParams);
    const html = (body: string, status = 200) => {
      res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
      res.end(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Epay Shop</title></head><body>${body}</body></html>`,
      );
    };
    if (url.pathname === "/buy/sdk") {
      const fields = {
        pid: EPAY_SHOP.pid,
        type: "wxpay",
        out_trade_no: q.out ?? "",
        notify_url: `${self}/notify`,
        return_url: `${self}/return`,
        name: "SDK 测试商品",
        money: q.money ?? "1.00",
        sitename: "Epay Shop",
      };
      const all = { ...fields, sign: sign(fields, false), sign_type: "MD5" };
      const inputs = Object.entries(all)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(v)}">`)
        .join("");
      return html(
        `<form id="pay" method="post" action="${paydeskBase}/submit.php">${inputs}<button>正在跳转</button></form><script>document.getElementById("pay").submit()</script>`,
      );
    }
    if (url.pathname === "/buy/v2board") {
      const fields = {
        pid: EPAY_SHOP.pid,
        out_trade_no: q.out ?? "",
        notify_url: `${self}/notify`,
        return_url: `${self}/#/order/${q.out ?? ""}`,
        name: "Xboard 订阅",
        money: q.money ?? "10",
        param: "",
      };
      const link = `${paydeskBase}/submit.php?${new URLSearchParams({ ...fields, sign: sign(fields, true), sign_type: "MD5" })}`;
      res.writeHead(302, { Location: link });
      return res.end();
    }
    if (url.pathname === "/notify") {
      if (req.method !== "GET") {
        res.writeHead(405);
        return res.end("method not allowed");
      }
      const ok = verifies(q) && q.trade_status === "TRADE_SUCCESS";
      if (ok) notified.set(q.out_trade_no ?? "", (notified.get(q.out_trade_no ?? "") ?? 0) + 1);
      res.writeHead(200, { "Content-Type": "text/plain" });
      return res.end(ok ? "success" : "fail");
    }
    if (url.pathname === "/api/notified") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify({ count: notified.get(q.out ?? "") ?? 0 }));
    }
    if (url.pathname === "/return" || url.pathname === "/") {
      const ok = verifies(q);
      return html(
        `<h1>商户返回页</h1><p data-testid="shop-return">${ok ? "验签通过" : "验签失败"}</p><p data-testid="shop-order">${esc(q.out_trade_no ?? "")}</p>` +
          `<p data-testid="shop-notified">${notified.get(q.out_trade_no ?? "") ?? 0}</p>`,
      );
    }
    res.writeHead(404);
    res.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(EPAY_SHOP_PORT, "127.0.0.1", resolve));
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
