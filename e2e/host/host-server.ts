import http from "node:http";

/**
 * A shop's page that frames the cashier with public/embed.js, for the embedding tests: GET /?pay={pay_url}[&cancel=1]
 * on 127.0.0.1. Received messages are kept in `window.paydeskEvents`; with cancel=1 the shop keeps the payer on its
 * page after `paid` (the host cancels the redirect).
 */
export function hostPage(paydeskBase: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host shop</title></head>
<body style="font-family:sans-serif;background:#eef;margin:0;padding:16px">
<h1>Host shop checkout</h1>
<div id="pay" style="max-width:520px"></div>
<script src="${paydeskBase}/embed.js"></script>
<script>
  window.paydeskEvents = [];
  var q = new URLSearchParams(location.search);
  var keep = function (m) { window.paydeskEvents.push(m); };
  Paydesk.mount("#pay", q.get("pay"), {
    onReady: keep, onStatus: keep, onExpired: keep, onFailed: keep,
    onPaid: function (m) { keep(m); if (q.get("cancel")) return false; }
  });
</script></body></html>`;
}

export async function startHost(
  port: number,
  paydeskBase: string,
): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(hostPage(paydeskBase));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
