/*!
 * Paydesk embed.js: mounts a Paydesk cashier page in an iframe on your page, sizes it to its content, and sends the
 * top page to your return (or timeout) URL when the order is paid (or expires), unless you cancel.
 *
 *   <script src="https://paydesk.example/embed.js" defer></script>
 *   <div data-paydesk-url="https://paydesk.example/pay/ORDER_ID"></div>          (mounted automatically)
 *   or: var pd = Paydesk.mount("#pay", payUrl, { lang: "en", onPaid: function (m) { ... return false; } });
 *
 * Callbacks onReady/onStatus/onPaid/onExpired/onFailed receive the message; returning false from onPaid/onExpired (or calling
 * preventDefault() on the "paydesk:paid"/"paydesk:expired" DOM events dispatched on the container) keeps the page
 * where it is. Only messages from the pay URL's origin and from this very iframe are listened to. No dependencies.
 */
(function () {
  "use strict";
  if (window.Paydesk) return;

  function mount(target, payUrl, options) {
    var el = typeof target === "string" ? document.querySelector(target) : target;
    if (!el) throw new Error("Paydesk.mount: container not found");
    var opts = options || {};
    var url = new URL(payUrl, location.href);
    url.searchParams.set("embed", "1");
    // The page posts only to this origin, and only when the merchant's embed_origins allow it.
    url.searchParams.set("origin", location.origin);
    if (opts.lang) url.searchParams.set("lang", opts.lang);

    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = opts.title || "Paydesk";
    frame.setAttribute("allow", "payment");
    frame.style.cssText = "display:block;width:100%;border:0;height:" + (opts.height || 680) + "px";
    el.appendChild(frame);

    var left = false;
    var handlers = {
      ready: opts.onReady,
      status: opts.onStatus,
      paid: opts.onPaid,
      expired: opts.onExpired,
      failed: opts.onFailed,
    };

    function onMessage(event) {
      if (event.origin !== url.origin || event.source !== frame.contentWindow) return;
      var m = event.data;
      if (!m || m.source !== "paydesk" || typeof m.type !== "string") return;
      if ((m.type === "ready" || m.type === "resize") && typeof m.height === "number") {
        frame.style.height = Math.max(120, Math.ceil(m.height)) + "px";
      }
      var proceed = el.dispatchEvent(new CustomEvent("paydesk:" + m.type, { detail: m, cancelable: true }));
      var handler = handlers[m.type];
      if (typeof handler === "function" && handler(m) === false) proceed = false;
      if (!proceed || left) return;
      var to = m.type === "paid" ? m.return_url : m.type === "expired" ? m.timeout_url : null;
      if (to) {
        left = true;
        location.assign(to);
      }
    }

    window.addEventListener("message", onMessage);
    return {
      iframe: frame,
      destroy: function () {
        window.removeEventListener("message", onMessage);
        frame.remove();
      },
    };
  }

  window.Paydesk = { mount: mount };

  function auto() {
    var nodes = document.querySelectorAll("[data-paydesk-url]");
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (n.getAttribute("data-paydesk-mounted")) continue;
      n.setAttribute("data-paydesk-mounted", "1");
      mount(n, n.getAttribute("data-paydesk-url"), { lang: n.getAttribute("data-paydesk-lang") || undefined });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", auto);
  else auto();
})();
