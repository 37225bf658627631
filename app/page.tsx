import { headers } from "next/headers";
import { connection } from "next/server";
import { TestOrderForm } from "@/components/demo/test-order-form";
import { getConfig } from "@/lib/config/load";
import { messagesFor, resolveLocale } from "@/lib/i18n/locale";

export default async function HomePage() {
  await connection();
  const config = getConfig();
  const m = messagesFor(resolveLocale(null, (await headers()).get("accept-language")));
  return (
    <main className="mx-auto max-w-md px-4 py-12">
      {config.demo ? (
        <div
          role="note"
          data-testid="demo-mode"
          className="mb-6 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900"
        >
          <strong className="font-semibold">{m.demoModeTitle}</strong>
          <p className="mt-1">{m.demoModeBody}</p>
        </div>
      ) : null}
      <h1 className="text-2xl font-semibold">Paydesk 收银台</h1>
      <p className="mt-2 text-gray-600">
        商户调用一个签名接口，把顾客送到收银台；到账后 Paydesk 签名通知商户并把顾客送回商户页面。
      </p>
      {config.demo ? (
        <section className="mt-8 rounded-xl bg-white p-6 shadow-sm" aria-labelledby="demo-title">
          <h2 id="demo-title" className="text-lg font-medium">
            创建测试订单
          </h2>
          <p className="mb-4 mt-1 text-sm text-gray-500">
            演示商户（沙箱通道）：下单走真实的商户接口，收银台上可以“模拟支付”。
          </p>
          <TestOrderForm />
        </section>
      ) : (
        <p className="mt-8 text-sm text-gray-500">商户接口：POST /api/cloudpay/create（见 README）。</p>
      )}
      <p className="mt-8 text-sm">
        <a href="/console" data-testid="console-link" className="text-[#1061d6] underline-offset-2 hover:underline">
          商户后台 / Merchant console →
        </a>
        <span className="mt-1 block text-gray-500">
          首次使用：启动日志中有一次性设置链接，用它创建第一个所有者账户。
        </span>
      </p>
    </main>
  );
}
