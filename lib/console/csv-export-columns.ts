import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import type { Locale } from "@/lib/i18n/locale";
import { formatYuan } from "@/lib/money";
import { effectiveStatus } from "@/lib/orders/lifecycle";
import type { PayType } from "@/lib/pay-types";
import type { ExportPaymentRow } from "@/lib/storage/console-export-repo";
import type { ConsoleAuditEntry, Order, PaymentStatus } from "@/lib/storage/records";
import type { Refund, RefundStatus } from "@/lib/storage/refund-records";
import { consoleActionLabel } from "./action-label";
import { formatBeijing } from "./console-locale";

/**
 * The columns of each CSV export (lib/console/csv-export.ts) in the console's language: the pages' own column names
 * and status words where they have them (lib/i18n/console-*.ts), the export's few others below.
 */

/** The export's own words (column names the pages do not show, statuses the pages show as badges), by language. */
const WORDS = {
  "zh-CN": {
    exportCsv: "导出 CSV",
    exportRefundsCsv: "导出退款 CSV",
    colId: "编号",
    colName: "商品名称",
    colPrice: "订单金额",
    colPayAmount: "应付金额",
    colRealAmount: "实收金额",
    colPaidAt: "支付时间",
    colLate: "过期后支付",
    colFailure: "失败原因",
    colUpdated: "更新时间",
    yes: "是",
    no: "否",
    alipay: "支付宝",
    wxpay: "微信支付",
    qqpay: "QQ 钱包",
    payment_applied: "已入账",
    payment_mismatched: "金额不符",
    payment_unmatched: "未匹配订单",
    payment_dismissed: "已忽略",
  },
  en: {
    exportCsv: "Export CSV",
    exportRefundsCsv: "Export refunds CSV",
    colId: "ID",
    colName: "Product",
    colPrice: "Order amount",
    colPayAmount: "Amount to pay",
    colRealAmount: "Amount received",
    colPaidAt: "Paid at",
    colLate: "Paid after expiry",
    colFailure: "Failure",
    colUpdated: "Updated",
    yes: "yes",
    no: "no",
    alipay: "Alipay",
    wxpay: "WeChat Pay",
    qqpay: "QQ Wallet",
    payment_applied: "Credited",
    payment_mismatched: "Amount mismatch",
    payment_unmatched: "No matching order",
    payment_dismissed: "Dismissed",
  },
} as const satisfies Record<Locale, Record<string, string>>;
export type ExportWords = Record<keyof (typeof WORDS)["zh-CN"], string>;

export function exportWords(locale: Locale): ExportWords {
  return WORDS[locale];
}

/** A time with its zone, as operators read it: `2026-12-08 09:15:00 +08:00`. */
export const exportTime = (at: number | null): string => (at === null ? "" : `${formatBeijing(at)} +08:00`);
const yuan = (fen: number | null) => (fen === null ? "" : formatYuan(fen));
const payTypeWord = (w: ExportWords, t: PayType | null) => (t === null ? "" : w[t]);

export interface Column<R> {
  header: string;
  value: (row: R) => string;
}

export function orderColumns(m: ConsoleMessages, w: ExportWords, now: number): Column<Order>[] {
  const status: Record<string, string> = {
    pending: m.statusPending,
    paid: m.statusPaid,
    expired: m.statusExpired,
    closed: m.statusClosed,
  };
  return [
    { header: m.colOrder, value: (o) => o.id },
    { header: m.colOutOrder, value: (o) => o.out_order_id },
    { header: m.colMerchant, value: (o) => o.appkey },
    { header: m.colChannel, value: (o) => o.channel_id },
    { header: m.colType, value: (o) => payTypeWord(w, o.type) },
    { header: w.colName, value: (o) => o.name },
    { header: w.colPrice, value: (o) => yuan(o.price_fen) },
    { header: w.colPayAmount, value: (o) => yuan(o.pay_amount_fen) },
    { header: w.colRealAmount, value: (o) => yuan(o.real_fen) },
    {
      header: m.colStatus,
      value: (o) => {
        const s = effectiveStatus(o, now) ?? o.status;
        return status[s] ?? s;
      },
    },
    { header: w.colLate, value: (o) => (o.late ? w.yes : w.no) },
    { header: m.colCreated, value: (o) => exportTime(o.created_at) },
    { header: w.colPaidAt, value: (o) => exportTime(o.paid_at) },
  ];
}

export function paymentColumns(m: ConsoleMessages, w: ExportWords): Column<ExportPaymentRow>[] {
  const status = (s: PaymentStatus) => w[`payment_${s}`];
  return [
    { header: w.colId, value: (p) => String(p.id) },
    { header: m.colReceived, value: (p) => exportTime(p.received_at) },
    { header: m.colChannel, value: (p) => p.channel_id },
    { header: m.colTradeNo, value: (p) => p.trade_no },
    { header: m.colOrder, value: (p) => p.order_id ?? "" },
    { header: m.colMerchant, value: (p) => p.appkey ?? "" },
    { header: m.colAmount, value: (p) => yuan(p.amount_fen) },
    { header: m.colStatus, value: (p) => status(p.status) },
    { header: m.colReason, value: (p) => p.reason ?? "" },
  ];
}

export function refundColumns(m: ConsoleMessages, w: ExportWords): Column<Refund>[] {
  const status = (s: RefundStatus) => m[`refundStatus_${s}`];
  return [
    { header: m.refundColNo, value: (r) => r.refund_no },
    { header: m.colOrder, value: (r) => r.order_id },
    { header: m.colMerchant, value: (r) => r.appkey },
    { header: m.colChannel, value: (r) => r.channel_id },
    { header: m.refundColAmount, value: (r) => yuan(r.amount_fen) },
    { header: m.refundColStatus, value: (r) => status(r.status) },
    { header: m.refundReason, value: (r) => r.reason },
    { header: m.refundColDetail, value: (r) => r.note },
    { header: w.colFailure, value: (r) => r.failure ?? "" },
    { header: m.refundColBy, value: (r) => r.actor },
    { header: m.refundColAt, value: (r) => exportTime(r.created_at) },
    { header: w.colUpdated, value: (r) => exportTime(r.updated_at) },
  ];
}

export function auditColumns(m: ConsoleMessages): Column<ConsoleAuditEntry>[] {
  return [
    { header: m.colTime, value: (a) => exportTime(Number(a.at)) },
    { header: m.colUser, value: (a) => a.user_name },
    { header: m.colAction, value: (a) => consoleActionLabel(m, a.action) },
    { header: m.colMerchant, value: (a) => a.appkey ?? "" },
    { header: m.colOrder, value: (a) => a.order_id ?? "" },
    { header: m.colReason, value: (a) => a.reason ?? "" },
    { header: m.colDetail, value: (a) => a.detail ?? "" },
  ];
}
