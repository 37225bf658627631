"use client";

import { QRCodeSVG } from "qrcode.react";
import { useEffect, useState } from "react";
import useSWR from "swr";
import type { CashierModel } from "@/lib/cashier/page-model";
import type { PublicOrderView } from "@/lib/orders/order-views";
import { formatCountdown, useCountdown } from "./use-countdown";

const WALLET: Record<string, { name: string; color: string }> = {
  alipay: { name: "支付宝", color: "bg-alipay" },
  wxpay: { name: "微信", color: "bg-wxpay" },
  qqpay: { name: "QQ钱包", color: "bg-qqpay" },
};

async function fetchStatus(url: string): Promise<PublicOrderView> {
  const res = await fetch(url, { cache: "no-store" });
  const body = (await res.json()) as { code: number; msg: string; data?: PublicOrderView };
  if (body.code !== 100 || !body.data) throw new Error(body.msg);
  return body.data;
}

/** The minimal cashier: amount, QR, countdown, live status, sandbox "simulate payment", redirects. */
function isSettled(v: PublicOrderView): boolean {
  return v.status === "expired" || v.status === "closed" || (v.status === "paid" && v.return_url !== undefined);
}

export function Cashier({ model }: { model: CashierModel }) {
  const [settled, setSettled] = useState(isSettled(model.view));
  const { data } = useSWR(`/api/cloudpay/query?order_id=${model.view.order_id}&sign=nosign`, fetchStatus, {
    fallbackData: model.view,
    // A plain number: SWR restarts its polling effect whenever this changes, and stops at 0 (terminal state).
    refreshInterval: settled ? 0 : 2000,
    revalidateOnFocus: true,
    errorRetryInterval: 5000,
  });
  const view = data ?? model.view;
  useEffect(() => setSettled(isSettled(view)), [view]);
  const left = useCountdown(model.expiresAt, model.serverNow);
  const [paying, setPaying] = useState(false);
  const [payError, setPayError] = useState<string | null>(null);
  const wallet = WALLET[view.type] ?? { name: view.type, color: "bg-gray-800" };

  useEffect(() => {
    if (view.status === "paid" && view.return_url) window.location.replace(view.return_url);
    if (view.status === "expired" && model.timeoutUrl) window.location.replace(model.timeoutUrl);
  }, [view.status, view.return_url, model.timeoutUrl]);

  async function simulate() {
    setPaying(true);
    setPayError(null);
    const res = await fetch("/api/sandbox/pay", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ order_id: view.order_id }),
    });
    if (!res.ok) setPayError("模拟支付失败");
    setPaying(false);
  }

  return (
    <main className="mx-auto max-w-md px-4 py-8">
      <div className="overflow-hidden rounded-2xl bg-white shadow-sm">
        <header className={`${wallet.color} px-6 py-4 text-white`}>
          <p className="text-sm opacity-90">{model.merchantName}</p>
          <p className="text-lg font-medium">{wallet.name}扫码支付</p>
        </header>
        <div className="px-6 py-6 text-center">
          <p className="text-sm text-gray-500">应付金额</p>
          <p className="text-4xl font-semibold" data-testid="amount">
            ¥{view.pay_amount}
          </p>
          <div aria-live="polite" className="mt-4" data-testid="status">
            {view.status === "pending" ? (
              <>
                <div className="mx-auto inline-block rounded-lg border p-3">
                  <QRCodeSVG value={model.payload} size={200} level="H" title={`${wallet.name}付款码`} />
                </div>
                <p className="mt-3 text-gray-700">打开{wallet.name}，扫一扫付款</p>
                <p className="mt-1 text-sm text-gray-500">
                  剩余时间 <span data-testid="countdown">{formatCountdown(left)}</span>
                </p>
              </>
            ) : view.status === "paid" ? (
              <div className="py-6">
                <p className="text-xl font-medium text-green-600">支付成功</p>
                <p className="mt-2 text-sm text-gray-500">{view.return_url ? "正在返回商户…" : "正在通知商户…"}</p>
                {view.return_url ? (
                  <a className="mt-4 inline-block rounded-lg bg-gray-900 px-6 py-2 text-white" href={view.return_url}>
                    返回商户
                  </a>
                ) : null}
              </div>
            ) : (
              <div className="py-6">
                <p className="text-xl font-medium text-gray-700">{view.status === "closed" ? "订单已关闭" : "订单已过期"}</p>
              </div>
            )}
          </div>
          {model.sandbox && view.status === "pending" ? (
            <button
              type="button"
              onClick={simulate}
              disabled={paying}
              className="mt-6 w-full rounded-lg border border-dashed border-gray-400 py-2 text-gray-700"
            >
              {paying ? "支付中…" : "模拟支付（沙箱）"}
            </button>
          ) : null}
          {payError ? <p role="alert" className="mt-2 text-sm text-red-600">{payError}</p> : null}
        </div>
        <footer className="border-t px-6 py-3 text-xs text-gray-400">订单号 {view.order_id}</footer>
      </div>
    </main>
  );
}
