import { Card, Cell, Table } from "@/components/console/card";
import { ConsoleShell } from "@/components/console/console-shell";
import { CsrfField } from "@/components/console/csrf-field";
import { accountsError, accountsMessages, roleLabel, type AccountsMessages } from "@/lib/console/accounts-i18n";
import { formatConsoleTime } from "@/lib/console/console-locale";
import { requireConsoleSession } from "@/lib/console/page-auth";
import { fmt } from "@/lib/i18n/locale";
import { TotpEnrol } from "./totp-enrol";

type Search = Promise<Record<string, string | string[] | undefined>>;

const OK: Record<string, (a: AccountsMessages) => string> = {
  password_changed: (a) => a.okPasswordChanged,
  sessions_ended: (a) => a.okSessionsEnded,
  totp_disabled: (a) => a.okTotpDisabled,
  welcome: (a) => a.okWelcome,
};

const input = "mt-1 block w-full max-w-xs rounded-lg border border-gray-300 px-3 py-2";
const primary = "rounded-lg bg-[#1061d6] px-4 py-2 font-medium text-white hover:bg-[#0d52b8]";

/**
 * Everyone's own account: password, the second factor, and their sessions with "sign out everywhere". It opens for
 * an account that must still enrol in TOTP (every other page sends it here).
 */
export default async function AccountPage({ searchParams }: { searchParams: Search }) {
  const signedIn = await requireConsoleSession();
  const { ctx, session, locale } = signedIn;
  const a = accountsMessages(locale);
  const q = await searchParams;
  const me = session.account;
  const [sessions, settings] = await Promise.all([
    ctx.repos.consoleUsers.listUserSessions(me.name, ctx.now()),
    ctx.repos.consoleUsers.consoleAccountSettings(),
  ]);
  const ok = typeof q.msg === "string" ? OK[q.msg]?.(a) : undefined;
  const refused = accountsError(a, typeof q.refused === "string" ? q.refused : undefined);
  return (
    <ConsoleShell page={signedIn} section="account" selfPath="/console/account">
      <h1 className="text-xl font-semibold text-gray-900">{a.accountTitle}</h1>
      <p className="text-sm text-gray-700">{fmt(a.accountIntro, { user: me.name, role: roleLabel(a, me.role) })}</p>
      {session.mustEnrolTotp ? (
        <p
          role="alert"
          data-testid="totp-required"
          className="rounded-xl border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900"
        >
          {a.totpRequired}
        </p>
      ) : null}
      {ok ? (
        <p
          role="status"
          data-testid="flash"
          className="rounded-xl border border-green-300 bg-green-50 px-4 py-2 text-sm text-green-900"
        >
          {ok}
        </p>
      ) : null}
      {refused ? (
        <p
          role="alert"
          data-testid="flash"
          className="rounded-xl border border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900"
        >
          {refused}
        </p>
      ) : null}
      <Card title={a.totpTitle} id="totp">
        {me.totpEnabled ? (
          <div className="space-y-3 text-sm">
            <p data-testid="totp-on">{fmt(a.totpEnabledText, { count: me.record.recoveryCodes.length })}</p>
            {!settings.requireTotp ? (
              <form method="post" action="/console/account/totp/disable" className="flex flex-wrap items-end gap-3">
                <CsrfField token={session.csrf} />
                <label className="block">
                  <span className="text-gray-700">{a.totpDisablePassword}</span>
                  <input name="password" type="password" autoComplete="current-password" required className={input} />
                </label>
                <button
                  type="submit"
                  className="rounded-lg border border-gray-300 px-4 py-2 text-gray-800 hover:bg-gray-50"
                >
                  {a.totpDisable}
                </button>
              </form>
            ) : null}
          </div>
        ) : (
          <div className="space-y-3">
            <p className="text-sm text-gray-700">{a.totpDisabledText}</p>
            <TotpEnrol a={a} csrf={session.csrf} />
          </div>
        )}
      </Card>
      <Card title={a.passwordTitle} id="password">
        {me.source === "file" ? (
          <p className="text-sm text-gray-700">{a.passwordFileManaged}</p>
        ) : (
          <form method="post" action="/console/account/password" className="space-y-3 text-sm">
            <CsrfField token={session.csrf} />
            <label className="block">
              <span className="text-gray-700">{a.passwordCurrent}</span>
              <input name="current" type="password" autoComplete="current-password" required className={input} />
            </label>
            <label className="block">
              <span className="text-gray-700">{a.passwordNew}</span>
              <input
                name="next"
                type="password"
                autoComplete="new-password"
                minLength={10}
                required
                className={input}
              />
            </label>
            <label className="block">
              <span className="text-gray-700">{a.passwordRepeat}</span>
              <input
                name="repeat"
                type="password"
                autoComplete="new-password"
                minLength={10}
                required
                className={input}
              />
            </label>
            <button type="submit" className={primary}>
              {a.save}
            </button>
          </form>
        )}
      </Card>
      <Card
        title={a.sessionsTitle}
        id="sessions"
        action={
          <form method="post" action="/console/account/sessions/end">
            <CsrfField token={session.csrf} />
            <button
              type="submit"
              className="rounded-md border border-gray-300 px-3 py-1 text-sm text-gray-700 hover:bg-gray-50"
            >
              {a.signOutEverywhere}
            </button>
          </form>
        }
      >
        <p className="mb-3 text-sm text-gray-600">{fmt(a.sessionsIntro, { minutes: settings.idleTimeoutMin })}</p>
        <Table label={a.sessionsTitle} head={[a.colStarted, a.colLastSeen, a.colFrom, a.colBrowser, a.colCurrent]}>
          {sessions.map((s) => (
            <tr key={s.idHash} data-testid="session-row">
              <Cell>{formatConsoleTime(s.createdAt)}</Cell>
              <Cell>{formatConsoleTime(s.lastSeenAt ?? s.createdAt)}</Cell>
              <Cell mono>{s.clientIp ?? ""}</Cell>
              <Cell>{(s.userAgent ?? "").slice(0, 80)}</Cell>
              <Cell>{s.idHash === session.idHash ? a.thisSession : ""}</Cell>
            </tr>
          ))}
        </Table>
      </Card>
    </ConsoleShell>
  );
}
