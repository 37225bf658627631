import Link from "next/link";

/** The demo shop's timeout page: where the cashier sends a payer whose order expired unpaid. */
export default function DemoTimeoutPage() {
  return (
    <main className="mx-auto max-w-lg px-4 py-10">
      <h1 className="text-2xl font-semibold">演示商店 · 订单已超时</h1>
      <p className="mt-4 text-gray-600">订单在有效期内未支付，已自动关闭。如已付款，请联系商户处理。</p>
      <Link href="/" className="mt-6 inline-block text-blue-600 underline">
        重新下单
      </Link>
    </main>
  );
}
