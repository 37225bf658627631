import type { OrderSearchParams } from "@/lib/console/order-search";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { PAY_TYPES } from "@/lib/pay-types";

const input = "mt-1 block w-full rounded-lg border border-gray-300 px-2 py-1.5";

/** The orders page's filters, a plain GET form (bookmarkable, works without JavaScript). */
export function OrderSearchForm({
  m,
  p,
  merchants,
  channels,
}: {
  m: ConsoleMessages;
  p: OrderSearchParams;
  merchants: { appkey: string; name: string }[];
  channels: string[];
}) {
  const statuses: [string, string][] = [
    ["pending", m.statusPending],
    ["paid", m.statusPaid],
    ["expired", m.statusExpired],
    ["closed", m.statusClosed],
  ];
  return (
    <form
      method="get"
      action="/console/orders"
      role="search"
      aria-label={m.searchOrders}
      className="grid grid-cols-2 gap-3 text-sm md:grid-cols-4"
    >
      <label>
        <span className="text-gray-700">{m.colOrder}</span>
        <input name="order_id" defaultValue={p.order_id} className={input} />
      </label>
      <label>
        <span className="text-gray-700">{m.colOutOrder}</span>
        <input name="out_order_id" defaultValue={p.out_order_id} className={input} />
      </label>
      <label>
        <span className="text-gray-700">{m.colStatus}</span>
        <select name="status" defaultValue={p.status ?? ""} className={input}>
          <option value="">{m.filterAny}</option>
          {statuses.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="text-gray-700">{m.colType}</span>
        <select name="type" defaultValue={p.type ?? ""} className={input}>
          <option value="">{m.filterAny}</option>
          {PAY_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="text-gray-700">{m.colMerchant}</span>
        <select name="merchant" defaultValue={p.merchant ?? ""} className={input}>
          <option value="">{m.filterAny}</option>
          {merchants.map((mm) => (
            <option key={mm.appkey} value={mm.appkey}>
              {mm.name} ({mm.appkey})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="text-gray-700">{m.colChannel}</span>
        <select name="channel" defaultValue={p.channel ?? ""} className={input}>
          <option value="">{m.filterAny}</option>
          {channels.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="text-gray-700">{m.filterFrom}</span>
        <input type="date" name="from" defaultValue={p.from} className={input} />
      </label>
      <label>
        <span className="text-gray-700">{m.filterTo}</span>
        <input type="date" name="to" defaultValue={p.to} className={input} />
      </label>
      <div className="col-span-2 md:col-span-4">
        <button type="submit" className="rounded-lg bg-[#1061d6] px-5 py-2 font-medium text-white hover:bg-[#0d52b8]">
          {m.search}
        </button>
      </div>
    </form>
  );
}
