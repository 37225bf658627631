/**
 * A whole-page notice for the payer as a plain HTML string, for the routes that answer a browser without rendering a
 * page (submit.php): the look of components/notice-page.tsx (the grey "!", the card, the cashier's fonts), dark mode
 * with the cashier's colours, and its actions (a retry, the way back to the shop) as plain links and forms, so it
 * works without JavaScript and ships none.
 */

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** An action under the text: a link, or a form that posts the same fields again (a retried POST submit.php). */
export type NoticeAction =
  | { kind: "link"; label: string; href: string; testId: string; primary: boolean; top?: boolean }
  | { kind: "repost"; label: string; action: string; fields: Record<string, string>; testId: string; primary: boolean };

export interface PayerNotice {
  lang: string;
  title: string;
  body: string;
  /** Shown under the body in the error colour (a shop's mistake that the payer should pass on), or null. */
  detail: string | null;
  /** "warning": the cashier's dead-end mark (amber), for "nothing can take the payment now"; else the grey notice. */
  tone: "notice" | "warning";
  /** What the payer was about to pay, above the notice (the shop's signed fields), when known. */
  summary: { merchant: string; product: string; amountLabel: string; amount: string } | null;
  actions: NoticeAction[];
}

const PRIMARY =
  "display:flex;width:100%;min-height:2.75rem;align-items:center;justify-content:center;box-sizing:border-box";
const CSS = `:root{color-scheme:light dark}
body{margin:0;min-height:100vh;background:#f5f6f8;color:#111827;-webkit-text-size-adjust:100%;font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:28rem;margin:4rem auto 0;padding:0 1rem}
section{background:#fff;border-radius:1rem;padding:2.5rem 1.5rem;text-align:center;box-shadow:0 1px 2px rgba(0,0,0,.05)}
.mark{margin:0 auto;display:flex;width:4rem;height:4rem;align-items:center;justify-content:center;border-radius:9999px;background:#9ca3af;color:#fff;font-size:1.875rem}
.warning{width:3rem;height:3rem;background:#fef3c7;color:#b45309;font-size:1.5rem;font-weight:700}
.summary{margin:0 0 1.5rem;padding-bottom:1.25rem;border-bottom:1px solid #f3f4f6}
.summary p{margin:.25rem 0 0}
.summary .product{font-size:1rem;font-weight:500;color:#111827}
.amount{font-size:2.25rem;line-height:2.5rem;font-weight:600;color:#111827}
h1{margin:1.25rem 0 0;font-size:1.25rem;line-height:1.75rem;font-weight:600}
p{margin:.75rem 0 0;font-size:.875rem;line-height:1.5rem;color:#4b5563}
.detail{color:#b91c1c}
form{margin:0}
.primary{${PRIMARY};margin-top:1.5rem;border:0;border-radius:.75rem;background:#111827;color:#fff;font:inherit;font-size:1rem;font-weight:600;text-decoration:none;cursor:pointer}
.secondary{display:inline-block;margin-top:1rem;color:#4b5563;font-size:.875rem;text-decoration:underline;text-underline-offset:2px}
@media (prefers-color-scheme:dark){body{background:#030712;color:#f3f4f6}section{background:#111827;box-shadow:none;outline:1px solid #1f2937}p,.secondary{color:#d1d5db}.detail{color:#fca5a5}.primary{background:#f3f4f6;color:#111827}.warning{background:#461901;color:#fcd34d}.summary{border-color:#1f2937}.amount,.summary .product{color:#f9fafb}}`;

function actionHtml(a: NoticeAction): string {
  const cls = a.primary ? "primary" : "secondary";
  if (a.kind === "link") {
    const target = a.top ? ' target="_top"' : "";
    return `<a class="${cls}" href="${escapeHtml(a.href)}"${target} data-testid="${a.testId}">${escapeHtml(a.label)}</a>`;
  }
  const inputs = Object.entries(a.fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  return `<form method="post" action="${escapeHtml(a.action)}">${inputs}<button type="submit" class="${cls}" data-testid="${a.testId}">${escapeHtml(a.label)}</button></form>`;
}

/** The page's HTML (a complete document). */
export function payerNoticeHtml(n: PayerNotice): string {
  const detail = n.detail ? `<p class="detail" data-testid="epay-error">${escapeHtml(n.detail)}</p>` : "";
  const summary = n.summary
    ? `<div class="summary"><p>${escapeHtml(n.summary.merchant)}</p>${n.summary.product ? `<p class="product" data-testid="product-name">${escapeHtml(n.summary.product)}</p>` : ""}<p>${escapeHtml(n.summary.amountLabel)}</p><p class="amount" data-testid="amount">¥${escapeHtml(n.summary.amount)}</p></div>`
    : "";
  const mark = n.tone === "warning" ? "mark warning" : "mark";
  return `<!doctype html><html lang="${escapeHtml(n.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><title>${escapeHtml(n.title)}</title><link rel="icon" href="/icon.svg" type="image/svg+xml"><style>${CSS}</style></head>
<body><main><section aria-labelledby="notice-title" data-testid="payer-notice">${summary}<div class="${mark}" aria-hidden="true">!</div>
<h1 id="notice-title">${escapeHtml(n.title)}</h1>
<p data-testid="notice-body">${escapeHtml(n.body)}</p>${detail}
${n.actions.map(actionHtml).join("\n")}
</section></main></body></html>`;
}

/** A URL the payer may be sent to: http(s) only (a shop's `return_url` is the shop's word, never `javascript:`). */
export function safeShopUrl(raw: string | null | undefined): string | null {
  const url = raw ? URL.parse(raw) : null;
  return url && (url.protocol === "https:" || url.protocol === "http:") ? url.href : null;
}
