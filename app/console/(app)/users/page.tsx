import { Card, Cell, Table } from "@/components/console/card";
import { FlashLine } from "@/components/console/flash-line";
import { ConsoleShell } from "@/components/console/console-shell";
import { CsrfField } from "@/components/console/csrf-field";
import { canManage, listAccounts } from "@/lib/console/accounts";
import { accountsError, accountsMessages, roleLabel, type AccountsMessages } from "@/lib/console/accounts-i18n";
import { requireConsoleUser } from "@/lib/console/page-auth";
import { CreateUserForm } from "./create-user-form";
import { ResetPasswordButton } from "./reset-password-button";
import { PrimaryButton } from "@/components/console/primary-button";

type Search = Promise<Record<string, string | string[] | undefined>>;

const OK: Record<string, (a: AccountsMessages) => string> = {
  saved: (a) => a.okSaved,
  deleted: (a) => a.okDeleted,
  totp_reset: (a) => a.okTotpReset,
};

const small = "rounded-md border border-gray-300 px-2 py-1 text-xs text-gray-700 hover:bg-gray-50";

/** Owners manage who may sign in: create (first password shown once), role, merchants, disable, delete, reset TOTP. */
export default async function UsersPage({ searchParams }: { searchParams: Search }) {
  const signedIn = await requireConsoleUser("/console/users");
  const { ctx, session, locale } = signedIn;
  const a = accountsMessages(locale);
  const q = await searchParams;
  const me = session.account;
  const accounts = (await listAccounts(ctx)).filter((u) => canManage(me, u.merchants) || u.name === me.name);
  const settings = await ctx.repos.consoleUsers.consoleAccountSettings();
  const visibleMerchants = ctx.config.merchants
    .filter((mm) => me.merchants === "*" || me.merchants.includes(mm.appkey))
    .map((mm) => ({ appkey: mm.appkey, name: mm.name }));
  const ok = typeof q.msg === "string" ? OK[q.msg]?.(a) : undefined;
  const refused = accountsError(a, typeof q.refused === "string" ? q.refused : undefined);
  const merchantsText = (m: "*" | string[]) => (m === "*" ? a.allMerchants : m.join(", "));
  return (
    <ConsoleShell page={signedIn} section="users" selfPath="/console/users">
      <h1 className="text-xl font-semibold text-gray-900">{a.usersTitle}</h1>
      <p className="text-sm text-gray-700">{a.usersIntro}</p>
      <FlashLine tone="ok">{ok}</FlashLine>
      <FlashLine tone="refused">{refused}</FlashLine>
      <Card title={a.usersTitle} id="users">
        <Table
          label={a.usersTitle}
          head={[a.colName, a.colRole, a.colMerchants, a.colSource, a.colTotp, a.colStatus, a.colActions]}
        >
          {accounts.map((u) => {
            const editable = u.source === "console" && u.name !== me.name;
            const formId = `edit-${u.name}`;
            return (
              <tr key={u.name} data-testid="user-row" data-user={u.name}>
                <Cell mono>{u.name}</Cell>
                <Cell>
                  {editable ? (
                    <select
                      form={formId}
                      name="role"
                      defaultValue={u.role}
                      aria-label={a.colRole}
                      className="rounded border border-gray-300 px-1 py-0.5"
                    >
                      <option value="owner">{a.roleOwner}</option>
                      <option value="operator">{a.roleOperator}</option>
                      <option value="viewer">{a.roleViewer}</option>
                    </select>
                  ) : (
                    roleLabel(a, u.role)
                  )}
                </Cell>
                <Cell>
                  {editable ? (
                    <div className="flex flex-col gap-1">
                      {me.merchants === "*" ? (
                        <label className="flex items-center gap-1">
                          <input
                            form={formId}
                            type="checkbox"
                            name="merchants"
                            value="*"
                            defaultChecked={u.merchants === "*"}
                          />
                          {a.allMerchants}
                        </label>
                      ) : null}
                      {visibleMerchants.map((mm) => (
                        <label key={mm.appkey} className="flex items-center gap-1">
                          <input
                            form={formId}
                            type="checkbox"
                            name="merchants"
                            value={mm.appkey}
                            defaultChecked={u.merchants !== "*" && u.merchants.includes(mm.appkey)}
                          />
                          {mm.name}
                        </label>
                      ))}
                    </div>
                  ) : (
                    merchantsText(u.merchants)
                  )}
                </Cell>
                <Cell>{u.source === "file" ? a.sourceFile : a.sourceConsole}</Cell>
                <Cell>{u.totpEnabled ? a.totpOn : a.totpOff}</Cell>
                <Cell>
                  {editable ? (
                    <label className="flex items-center gap-1">
                      <input form={formId} type="checkbox" name="disabled" defaultChecked={u.disabled} />
                      {a.disabled}
                    </label>
                  ) : u.disabled ? (
                    a.statusDisabled
                  ) : (
                    a.statusActive
                  )}
                </Cell>
                <Cell>
                  <div className="flex flex-col items-start gap-2">
                    {editable ? (
                      <form id={formId} method="post" action="/console/users/update">
                        <CsrfField token={session.csrf} />
                        <input type="hidden" name="name" value={u.name} />
                        <input type="hidden" name="version" value={u.version} />
                        <button type="submit" className={small}>
                          {a.save}
                        </button>
                      </form>
                    ) : null}
                    {u.totpEnabled && u.name !== me.name ? (
                      <form method="post" action="/console/users/reset-totp">
                        <CsrfField token={session.csrf} />
                        <input type="hidden" name="name" value={u.name} />
                        <button type="submit" className={small}>
                          {a.resetTotp}
                        </button>
                      </form>
                    ) : null}
                    {editable ? <ResetPasswordButton a={a} csrf={session.csrf} name={u.name} /> : null}
                    {editable ? (
                      <form method="post" action="/console/users/delete">
                        <CsrfField token={session.csrf} />
                        <input type="hidden" name="name" value={u.name} />
                        <button type="submit" className={`${small} border-red-300 text-red-800 hover:bg-red-50`}>
                          {a.deleteUser}
                        </button>
                      </form>
                    ) : null}
                  </div>
                </Cell>
              </tr>
            );
          })}
        </Table>
      </Card>
      <Card title={a.createUser} id="create-user">
        <CreateUserForm a={a} csrf={session.csrf} merchants={visibleMerchants} allowAll={me.merchants === "*"} />
      </Card>
      {me.merchants === "*" ? (
        <Card title={a.settingsTitle} id="account-settings">
          <form method="post" action="/console/users/settings" className="flex flex-wrap items-end gap-4 text-sm">
            <CsrfField token={session.csrf} />
            <input type="hidden" name="version" value={settings.version} />
            <label className="block">
              <span className="text-gray-700">{a.idleTimeout}</span>
              <input
                name="idle_timeout_min"
                type="number"
                min={5}
                max={480}
                required
                defaultValue={settings.idleTimeoutMin}
                className="mt-1 block w-32 rounded-lg border border-gray-300 px-3 py-2"
              />
            </label>
            <label className="flex items-center gap-2 pb-2">
              <input type="checkbox" name="require_totp" defaultChecked={settings.requireTotp} />
              {a.requireTotp}
            </label>
            <PrimaryButton type="submit">{a.save}</PrimaryButton>
          </form>
        </Card>
      ) : null}
    </ConsoleShell>
  );
}
