import Link from "next/link";
import { notFound } from "next/navigation";
import { getAppContext } from "@/lib/app-context";
import { demoReceipts, verifyDemoReturn } from "@/lib/demo/demo-shop";

type Search = Promise<Record<string, string | string[] | undefined>>;

function flatten(q: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : (v ?? "")]));
}

/** The demo shop's return page: checks the return signature and shows the notifications the shop received. */
export default async function DemoReturnPage({ searchParams }: { searchParams: Search }) {
  const q = flatten(await searchParams);
  const ctx = await getAppContext();
  if (!ctx.config.demoShop) notFound();
  const returnVerified = verifyDemoReturn(ctx, q);
  const receipts = q.order_id ? await demoReceipts(ctx, q.order_id) : [];
  const verifiedCount = receipts.filter((r) => r.verified).length;
  return (
    <main className="mx-auto max-w-lg px-4 py-10">
      <h1 className="text-2xl font-semibold">演示商店 · 支付结果</h1>
      <dl className="mt-6 grid grid-cols-[8rem_1fr] gap-y-2 rounded-xl bg-white p-6 shadow-sm">
        <dt className="text-gray-500">订单号</dt>
        <dd data-testid="order-id">{q.order_id}</dd>
        <dt className="text-gray-500">商户订单号</dt>
        <dd>{q.out_order_id}</dd>
        <dt className="text-gray-500">金额</dt>
        <dd>¥{q.price}</dd>
        <dt className="text-gray-500">返回签名</dt>
        <dd data-testid="return-verified">{returnVerified ? "验签通过" : "验签失败"}</dd>
        <dt className="text-gray-500">异步通知</dt>
        <dd data-testid="notify-count">
          已收到 {verifiedCount} 条验签通过的通知
          {receipts.length > verifiedCount ? `（另有 ${receipts.length - verifiedCount} 条验签失败）` : ""}
        </dd>
      </dl>
      <p className="mt-4 text-sm text-gray-500">商户只应依据验签通过的异步通知发货；同步返回只用于展示。</p>
      <Link href="/" className="mt-6 inline-block text-blue-600 underline">
        再来一单
      </Link>
    </main>
  );
}
