import { describe, expect, it } from "vitest";
import { payerNoticeHtml, safeShopUrl } from "./payer-notice-html";

describe("payerNoticeHtml", () => {
  it("escapes every text and field, and re-posts a POST's fields as hidden inputs", () => {
    const html = payerNoticeHtml({
      lang: "zh-CN",
      title: "<b>标题</b>",
      body: '正文 & "引号"',
      detail: null,
      tone: "warning",
      summary: { merchant: "店", product: "<i>商品</i>", amountLabel: "应付金额", amount: "12.00" },
      actions: [
        {
          kind: "repost",
          label: "重新尝试",
          action: "/submit.php",
          fields: { name: '"><script>x</script>' },
          testId: "dead-end-retry",
          primary: true,
        },
        {
          kind: "link",
          label: "返回商户",
          href: "https://shop.example/?a=1&b=2",
          testId: "back-to-shop",
          primary: false,
          top: true,
        },
      ],
    });
    expect(html).toContain('<h1 id="notice-title">&lt;b&gt;标题&lt;/b&gt;</h1>');
    expect(html).toContain("正文 &amp; &quot;引号&quot;");
    expect(html).toContain('<input type="hidden" name="name" value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">');
    expect(html).not.toContain("<script>");
    expect(html).toContain('href="https://shop.example/?a=1&amp;b=2" target="_top" data-testid="back-to-shop"');
    expect(html).not.toContain('data-testid="epay-error"');
    expect(html).toContain(
      '<p class="product" data-testid="product-name">&lt;i&gt;商品&lt;/i&gt;</p><p>应付金额</p><p class="amount" data-testid="amount">¥12.00</p>',
    );
    expect(html).toContain('class="mark warning"');
    // Dark mode follows the system, as on the cashier.
    expect(html).toContain("@media (prefers-color-scheme:dark)");
  });

  it("shows a shop's mistake as the detail", () => {
    const html = payerNoticeHtml({
      lang: "zh-CN",
      title: "无法发起支付",
      body: "b",
      detail: "签名错误",
      tone: "notice",
      summary: null,
      actions: [],
    });
    expect(html).toContain('<p class="detail" data-testid="epay-error">签名错误</p>');
  });
});

describe("safeShopUrl", () => {
  it("keeps http(s) URLs only", () => {
    expect(safeShopUrl("https://shop.example/r?x=1")).toBe("https://shop.example/r?x=1");
    expect(safeShopUrl("javascript:alert(1)")).toBeNull();
    expect(safeShopUrl("not a url")).toBeNull();
    expect(safeShopUrl(undefined)).toBeNull();
  });
});
