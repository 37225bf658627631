import { describe, expect, it } from "vitest";
import { consoleEn } from "@/lib/i18n/console-en";
import { consoleZhCN } from "@/lib/i18n/console-zh-cn";
import { AUDIT_DETAIL_SHAPES, auditDetailLabel, type AuditDetailKind } from "./audit-detail-label";

// One detail of every shape, exactly as its writer composes it (the files lib/console/audit-detail-label.ts names).
const SAMPLES: Record<AuditDetailKind, string> = {
  credited: "credited 1000 fen from sandbox-1/T123 (was mismatched: amount_mismatch)",
  dismissed: "dismissed 99 fen from vmq-1/T9 (was unmatched: stale_push)",
  refund_manual: "recorded 500 fen paid back by hand, refund R1: paid by WeChat transfer",
  refund_channel: "refund of 500 fen asked of channel payjs-1, refund R2",
  resend_queued: "queued again with a fresh retry schedule",
  resend_nothing: "nothing to resend (delivered, in flight, or none)",
  resend_shop_queued: "3 notification(s) queued again with a fresh retry schedule",
  closed: "closed from the console",
  login_from_with: "from 10.0.0.1 (password + TOTP)",
  login_from: "from 10.0.0.1",
  test_alert: "test alert #7 to ops-hook (webhook)",
  setup: "first owner created with the setup link",
  totp_on: "two-step verification turned on",
  totp_off: "two-step verification turned off",
  sessions_ended: "2 other session(s) ended",
  admin_logout: "4 session(s) ended by npm run admin -- logout-user",
  user_role_disabled: "alice: role operator, merchants m1,m2, disabled",
  user_role: "alice: role viewer, merchants *",
  account_settings: "idle 30 min, require TOTP true",
};

describe("auditDetailLabel", () => {
  it("reads every known shape into both languages, each by its own entry", () => {
    for (const [kind, detail] of Object.entries(SAMPLES) as [AuditDetailKind, string][]) {
      const matching = (Object.keys(AUDIT_DETAIL_SHAPES) as AuditDetailKind[]).find((k) =>
        AUDIT_DETAIL_SHAPES[k].pattern.test(detail),
      );
      expect(matching, detail).toBe(kind);
      const zh = auditDetailLabel(consoleZhCN, detail);
      const en = auditDetailLabel(consoleEn, detail);
      expect(zh, detail).not.toBe(detail);
      expect(zh, detail).not.toBe(en);
      expect(zh, detail).not.toMatch(/\{\w+\}/);
      expect(en, detail).not.toMatch(/\{\w+\}/);
    }
  });

  it("puts amounts in yuan and the former state in words", () => {
    expect(auditDetailLabel(consoleZhCN, SAMPLES.credited)).toBe(
      "入账 10.00 元，来自 sandbox-1/T123（原状态：金额或方式不符 · 金额不符）",
    );
    expect(auditDetailLabel(consoleEn, SAMPLES.account_settings)).toBe(
      "Idle timeout 30 min, two-step verification required: yes",
    );
    expect(auditDetailLabel(consoleZhCN, SAMPLES.login_from_with)).toBe("来自 10.0.0.1（密码 + 动态验证码）");
  });

  it("shows a detail of no known shape as stored", () => {
    expect(auditDetailLabel(consoleZhCN, "sandbox-1: upstream said no")).toBe("sandbox-1: upstream said no");
  });
});
