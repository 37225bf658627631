/**
 * The audit log's names for the account actions (lib/storage/records.ts ConsoleAction: user_create …, setup), spread
 * into console-zh-cn.ts; read through lib/console/action-label.ts.
 */
export const consoleAuditZhCN = {
  actUserCreate: "创建用户",
  actUserUpdate: "修改用户",
  actUserDelete: "删除用户",
  actUserResetTotp: "重置两步验证",
  actUserResetPassword: "重置密码",
  actAccountSettings: "修改账户设置",
  actPasswordChange: "修改密码",
  actTotpEnable: "开启两步验证",
  actTotpDisable: "关闭两步验证",
  actSessionsEnd: "退出其他会话",
  actSetup: "首次设置",
};
