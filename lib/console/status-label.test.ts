import { describe, expect, it } from "vitest";
import { consoleEn } from "@/lib/i18n/console-en";
import { consoleZhCN } from "@/lib/i18n/console-zh-cn";
import {
  ATTEMPT_OUTCOME_LABELS,
  NOTIFY_STATE_LABELS,
  ORDER_STATUS_LABELS,
  PAYMENT_REASON_LABELS,
  PAYMENT_STATUS_LABELS,
  REFUND_STATUS_LABELS,
  orderStatusLabel,
  paymentReasonLabel,
} from "./status-label";

// The members each union has today, written out: a member added to the union but not here fails the typecheck of
// the table (Record<Union, …>); one removed from the union fails here.
const TABLES = {
  order: [ORDER_STATUS_LABELS, ["creating", "pending", "paid", "expired", "closed"]],
  payment: [PAYMENT_STATUS_LABELS, ["applied", "mismatched", "unmatched", "dismissed"]],
  reason: [
    PAYMENT_REASON_LABELS,
    [
      "pending",
      "no_order",
      "trade_applied",
      "amount_mismatch",
      "type_mismatch",
      "order_paid",
      "order_closed",
      "order_not_ready",
      "grace_passed",
      "late",
      "stale_push",
      "credited",
      "dismissed",
    ],
  ],
  notify: [NOTIFY_STATE_LABELS, ["pending", "retrying", "delivered", "failed"]],
  attempt: [ATTEMPT_OUTCOME_LABELS, ["delivered", "retry", "failed"]],
  refund: [REFUND_STATUS_LABELS, ["requested", "succeeded", "failed", "recorded"]],
} as const;

describe("console label tables", () => {
  for (const [kind, [table, members]] of Object.entries(TABLES)) {
    it(`${kind}: every member has a label in both languages, not the code, and they differ`, () => {
      expect(Object.keys(table).sort()).toEqual([...members].sort());
      for (const code of members) {
        const label = (table as Record<string, (m: typeof consoleZhCN) => string>)[code]!;
        const zh = label(consoleZhCN);
        const en = label(consoleEn);
        expect(zh.trim(), `${kind}.${code} zh`).not.toBe("");
        expect(en.trim(), `${kind}.${code} en`).not.toBe("");
        expect(zh, `${kind}.${code}`).not.toBe(code);
        expect(en, `${kind}.${code}`).not.toBe(code);
        expect(zh, `${kind}.${code}`).not.toBe(en);
      }
    });
  }

  it("names known codes and shows an unknown one as stored", () => {
    expect(paymentReasonLabel(consoleZhCN, "amount_mismatch")).toBe("金额不符");
    expect(paymentReasonLabel(consoleEn, "stale_push")).toBe("Monitor push outside the clock window");
    expect(orderStatusLabel(consoleZhCN, "paid")).toBe("已支付");
    expect(paymentReasonLabel(consoleZhCN, "future_reason")).toBe("future_reason");
    // Not an own property: a prototype name is no label.
    expect(paymentReasonLabel(consoleZhCN, "toString")).toBe("toString");
  });
});
