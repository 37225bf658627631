import { Card, Cell, Table } from "@/components/console/card";
import { FlashLine } from "@/components/console/flash-line";
import { FormField } from "@/components/console/form-field";
import { ConsoleShell } from "@/components/console/console-shell";
import { CsrfField } from "@/components/console/csrf-field";
import { accountsError, accountsMessages, roleLabel, type AccountsMessages } from "@/lib/console/accounts-i18n";
import { formatConsoleTime } from "@/lib/console/console-locale";
import { requireConsoleSession } from "@/lib/console/page-auth";
import { fmt } from "@/lib/i18n/locale";
import { TotpEnrol } from "./totp-enrol";
import { PrimaryButton } from "@/components/console/primary-button";

type Search = Promise<Record<string, string | string[] | undefined>>;

const OK: Record<string, (a: AccountsMessages) => string> = {
  password_changed: (a) => a.okPasswordChanged,
  sessions_ended: (a) => a.okSessionsEnded,
  totp_disabled: (a) => a.okTotpDisabled,
  welcome: (a) => a.okWelcome,
};

// FormField's input, kept narrow: these forms share the page with wide tables.
const narrow = "max-w-xs";

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
        <FlashLine tone="warning" testId="totp-required">
          {a.totpRequired}
        </FlashLine>
      ) : null}
      <FlashLine tone="ok">{ok}</FlashLine>
      <FlashLine tone="refused">{refused}</FlashLine>
      <Card title={a.totpTitle} id="totp">
        {me.totpEnabled ? (
          <div className="space-y-3 text-sm">
            <p data-testid="totp-on">{fmt(a.totpEnabledText, { count: me.record.recoveryCodes.length })}</p>
            {!settings.requireTotp ? (
              <form method="post" action="/console/account/totp/disable" className="flex flex-wrap items-end gap-3">
                <CsrfField token={session.csrf} />
                <FormField
                  label={a.totpDisablePassword}
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  required
                  className={narrow}
                />
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
            <FormField
              label={a.passwordCurrent}
              name="current"
              type="password"
              autoComplete="current-password"
              required
              className={narrow}
            />
            {(["next", "repeat"] as const).map((name) => (
              <FormField
                key={name}
                label={name === "next" ? a.passwordNew : a.passwordRepeat}
                name={name}
                type="password"
                autoComplete="new-password"
                minLength={10}
                required
                className={narrow}
              />
            ))}
            <PrimaryButton type="submit">{a.save}</PrimaryButton>
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
