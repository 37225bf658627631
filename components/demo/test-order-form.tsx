"use client";

import { useActionState } from "react";
import { createTestOrderAction, type TestOrderState } from "@/app/actions";

const TYPES = [
  { value: "alipay", label: "支付宝" },
  { value: "wxpay", label: "微信支付" },
  { value: "qqpay", label: "QQ钱包" },
];

export function TestOrderForm() {
  const [state, action, pending] = useActionState<TestOrderState, FormData>(createTestOrderAction, {});
  return (
    <form action={action} className="space-y-4">
      <label className="block">
        <span className="text-sm text-gray-600">金额（元）</span>
        <input
          name="price"
          defaultValue="0.01"
          inputMode="decimal"
          required
          pattern="\d+(\.\d{1,2})?"
          className="mt-1 w-full rounded-lg border border-gray-300 px-3 py-2 text-lg"
        />
      </label>
      <fieldset>
        <legend className="text-sm text-gray-600">支付方式</legend>
        <div className="mt-1 flex gap-3">
          {TYPES.map((t, i) => (
            <label key={t.value} className="flex items-center gap-1">
              <input type="radio" name="type" value={t.value} defaultChecked={i === 0} />
              {t.label}
            </label>
          ))}
        </div>
      </fieldset>
      {state.error ? (
        <p role="alert" className="text-sm text-red-600">
          {state.error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-lg bg-gray-900 py-3 text-white disabled:opacity-60"
      >
        {pending ? "正在创建…" : "创建测试订单"}
      </button>
    </form>
  );
}
