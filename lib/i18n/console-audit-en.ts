import type { consoleAuditZhCN } from "./console-audit-zh-cn";

/** The audit log's names for the account actions in English (spread into console-en.ts). */
export const consoleAuditEn: Record<keyof typeof consoleAuditZhCN, string> = {
  actUserCreate: "Create user",
  actUserUpdate: "Change user",
  actUserDelete: "Delete user",
  actUserResetTotp: "Reset second factor",
  actUserResetPassword: "Reset password",
  actAccountSettings: "Change account settings",
  actPasswordChange: "Change password",
  actTotpEnable: "Turn on second factor",
  actTotpDisable: "Turn off second factor",
  actSessionsEnd: "Sign out other sessions",
  actSetup: "First-run setup",
};
