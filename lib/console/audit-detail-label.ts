import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt } from "@/lib/i18n/locale";
import { formatYuan } from "@/lib/money";
import { paymentReasonLabel, paymentStatusLabel } from "./status-label";

/**
 * The audit log's `detail` is written once, in English, by the code that acted (lib/orders/credit-reviewed-payment.ts,
 * lib/orders/refunds.ts, lib/console/console-actions.ts, failing-shops.ts, console-login.ts, alerts-page.ts, setup.ts,
 * accounts-admin.ts, totp-enrolment.ts, lib/http/console-account-routes.ts, lib/admin/admin-commands.ts). The
 * console reads each known shape back into the page's language: one table, one entry per shape. A detail of no
 * known shape (an older or newer version's, or free text such as a channel's own error) is shown as stored; the
 * audit page keeps the stored text in the cell's title for support.
 */
export type AuditDetailKind =
  | "credited"
  | "dismissed"
  | "refund_manual"
  | "refund_channel"
  | "resend_queued"
  | "resend_nothing"
  | "resend_shop_queued"
  | "closed"
  | "login_from_with"
  | "login_from"
  | "test_alert"
  | "setup"
  | "totp_on"
  | "totp_off"
  | "sessions_ended"
  | "admin_logout"
  | "user_role_disabled"
  | "user_role"
  | "account_settings";

type Groups = Record<string, string>;

/** "mismatched: amount_mismatch" or "unmatched", as the review's details write the payment's former state. */
function was(m: ConsoleMessages, text: string): string {
  const [status = "", reason] = text.split(": ");
  const s = paymentStatusLabel(m, status);
  return reason ? `${s} · ${paymentReasonLabel(m, reason)}` : s;
}

const yuan = (fen: string) => formatYuan(Number(fen));
const factor = (m: ConsoleMessages, f: string) =>
  f === "password + TOTP" ? m.dFactorTotp : f === "recovery code" ? m.dFactorRecovery : f;

/** Order matters where one shape is a prefix of another (checked first to last). */
export const AUDIT_DETAIL_SHAPES: Record<
  AuditDetailKind,
  { pattern: RegExp; text: (m: ConsoleMessages, g: Groups) => string }
> = {
  credited: {
    pattern: /^credited (?<fen>\d+) fen from (?<channel>[^/]+)\/(?<trade>.+) \(was (?<was>[^)]*)\)$/s,
    text: (m, g) =>
      fmt(m.dCredited, { amount: yuan(g.fen!), channel: g.channel!, trade: g.trade!, was: was(m, g.was!) }),
  },
  dismissed: {
    pattern: /^dismissed (?<fen>\d+) fen from (?<channel>[^/]+)\/(?<trade>.+) \(was (?<was>[^)]*)\)$/s,
    text: (m, g) =>
      fmt(m.dDismissed, { amount: yuan(g.fen!), channel: g.channel!, trade: g.trade!, was: was(m, g.was!) }),
  },
  refund_manual: {
    pattern: /^recorded (?<fen>\d+) fen paid back by hand, refund (?<refund>[^:]+): (?<note>.*)$/s,
    text: (m, g) => fmt(m.dRefundManual, { amount: yuan(g.fen!), refund: g.refund!, note: g.note! }),
  },
  refund_channel: {
    pattern: /^refund of (?<fen>\d+) fen asked of channel (?<channel>.+), refund (?<refund>[^,]+)$/s,
    text: (m, g) => fmt(m.dRefundChannel, { amount: yuan(g.fen!), channel: g.channel!, refund: g.refund! }),
  },
  resend_queued: { pattern: /^queued again with a fresh retry schedule$/, text: (m) => m.dResendQueued },
  resend_nothing: { pattern: /^nothing to resend \(delivered, in flight, or none\)$/, text: (m) => m.dResendNothing },
  resend_shop_queued: {
    pattern: /^(?<n>\d+) notification\(s\) queued again with a fresh retry schedule$/,
    text: (m, g) => fmt(m.dResendShopQueued, { n: g.n! }),
  },
  closed: { pattern: /^closed from the console$/, text: (m) => m.dClosed },
  login_from_with: {
    pattern: /^from (?<ip>\S+) \((?<factor>[^)]+)\)$/,
    text: (m, g) => fmt(m.dLoginFromWith, { ip: g.ip!, factor: factor(m, g.factor!) }),
  },
  login_from: { pattern: /^from (?<ip>\S+)$/, text: (m, g) => fmt(m.dLoginFrom, { ip: g.ip! }) },
  test_alert: {
    pattern: /^test alert #(?<id>\d+) to (?<sink>.+) \((?<type>[^)]+)\)$/,
    text: (m, g) => fmt(m.dTestAlert, { id: g.id!, sink: g.sink!, type: g.type! }),
  },
  setup: { pattern: /^first owner created with the setup link$/, text: (m) => m.dSetup },
  totp_on: { pattern: /^two-step verification turned on$/, text: (m) => m.dTotpOn },
  totp_off: { pattern: /^two-step verification turned off$/, text: (m) => m.dTotpOff },
  sessions_ended: {
    pattern: /^(?<n>\d+) other session\(s\) ended$/,
    text: (m, g) => fmt(m.dSessionsEnded, { n: g.n! }),
  },
  admin_logout: {
    pattern: /^(?<n>\d+) session\(s\) ended by npm run admin -- logout-user$/,
    text: (m, g) => fmt(m.dAdminLogout, { n: g.n! }),
  },
  user_role_disabled: {
    pattern: /^(?<name>[^:]+): role (?<role>\w+), merchants (?<merchants>.*), disabled$/s,
    text: (m, g) => fmt(m.dUserRoleDisabled, { name: g.name!, role: g.role!, merchants: g.merchants! }),
  },
  user_role: {
    pattern: /^(?<name>[^:]+): role (?<role>\w+), merchants (?<merchants>.*)$/s,
    text: (m, g) => fmt(m.dUserRole, { name: g.name!, role: g.role!, merchants: g.merchants! }),
  },
  account_settings: {
    pattern: /^idle (?<min>\d+) min, require TOTP (?<totp>true|false)$/,
    text: (m, g) => fmt(m.dAccountSettings, { min: g.min!, totp: g.totp === "true" ? m.yes : m.no }),
  },
};

/** An audit entry's detail in the page's language, or as stored when it has no known shape. */
export function auditDetailLabel(m: ConsoleMessages, detail: string): string {
  for (const shape of Object.values(AUDIT_DETAIL_SHAPES)) {
    const found = shape.pattern.exec(detail);
    if (found) return shape.text(m, found.groups ?? {});
  }
  return detail;
}
