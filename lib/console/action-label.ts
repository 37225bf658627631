import type { ConsoleAction } from "@/lib/storage/records";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";

/**
 * Each recorded console action (`console_audit.action`, lib/storage/records.ts ConsoleAction, and the order's
 * `code_failed` entries) in the console's words: one table for the audit page and the order timeline, so a new action
 * gets its label once. An unknown action (a newer version's) shows as stored.
 */
const LABELS: Record<ConsoleAction, (m: ConsoleMessages) => string> = {
  login: (m) => m.actLogin,
  logout: (m) => m.actLogout,
  resend: (m) => m.actResend,
  credit: (m) => m.actCredit,
  dismiss: (m) => m.actDismiss,
  resend_shop: (m) => m.actResendShop,
  test_alert: (m) => m.actTestAlert,
  code_failed: (m) => m.actCodeFailed,
  refund: (m) => m.actRefund,
  close: (m) => m.actClose,
  note: (m) => m.actNote,
  user_create: (m) => m.actUserCreate,
  user_update: (m) => m.actUserUpdate,
  user_delete: (m) => m.actUserDelete,
  user_reset_totp: (m) => m.actUserResetTotp,
  user_reset_password: (m) => m.actUserResetPassword,
  account_settings: (m) => m.actAccountSettings,
  password_change: (m) => m.actPasswordChange,
  totp_enable: (m) => m.actTotpEnable,
  totp_disable: (m) => m.actTotpDisable,
  sessions_end: (m) => m.actSessionsEnd,
  setup: (m) => m.actSetup,
};

export function consoleActionLabel(m: ConsoleMessages, action: string): string {
  return Object.hasOwn(LABELS, action) ? LABELS[action as ConsoleAction](m) : action;
}
