import type { Metadata } from "next";
import { FormField } from "@/components/console/form-field";
import { anyAccountExists } from "@/lib/console/accounts";
import { accountsMessages } from "@/lib/console/accounts-i18n";
import { consolePage } from "@/lib/console/page-auth";
import { fmt } from "@/lib/i18n/locale";

export const metadata: Metadata = { title: "Paydesk · Console" };

type Search = Promise<Record<string, string | string[] | undefined>>;

/** The console's login form; it posts to /console/auth/login, which answers with a redirect either way. */
export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const { ctx, m, locale } = await consolePage();
  const a = accountsMessages(locale);
  const firstRun = !(await anyAccountExists(ctx));
  const q = await searchParams;
  const error =
    q.error === "rate"
      ? fmt(m.loginRateLimited, { minutes: String(q.wait ?? "15") })
      : q.error === "invalid"
        ? m.loginInvalid
        : q.error === "code"
          ? a.loginCodeRequired
          : null;
  const notice = q.expired ? m.loginExpired : q.out ? m.loggedOut : null;
  const other = locale === "en" ? "zh-CN" : "en";
  return (
    <main lang={locale} className="mx-auto mt-16 w-full max-w-sm px-4">
      <section aria-labelledby="login-title" className="rounded-2xl bg-white px-6 py-8 shadow-sm">
        <p className="text-sm text-gray-600">{m.consoleTitle}</p>
        <h1 id="login-title" className="mt-1 text-xl font-semibold text-gray-900">
          {m.loginTitle}
        </h1>
        {error ? (
          <p
            role="alert"
            data-testid="login-error"
            className="mt-4 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900"
          >
            {error}
          </p>
        ) : null}
        {firstRun ? (
          <p
            role="note"
            data-testid="first-run"
            className="mt-4 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900"
          >
            {a.loginFirstRun}
          </p>
        ) : null}
        {notice ? (
          <p role="status" className="mt-4 rounded-lg bg-gray-100 px-3 py-2 text-sm text-gray-800">
            {notice}
          </p>
        ) : null}
        <form method="post" action="/console/auth/login" className="mt-5 space-y-4">
          <FormField label={m.loginName} name="name" autoComplete="username" required />
          <FormField label={m.loginPassword} name="password" type="password" autoComplete="current-password" required />
          <FormField
            label={a.loginCode}
            name="code"
            autoComplete="one-time-code"
            inputMode="text"
            autoFocus={q.error === "code"}
            aria-describedby="login-code-help"
            className="font-mono tracking-widest"
          >
            <span id="login-code-help" className="mt-1 block text-xs text-gray-600">
              {a.loginCodeHelp}
            </span>
          </FormField>
          <button
            type="submit"
            className="w-full rounded-lg bg-[#1061d6] px-4 py-2.5 font-medium text-white hover:bg-[#0d52b8]"
          >
            {m.loginSubmit}
          </button>
        </form>
        <p className="mt-6 text-center text-sm">
          <a
            href={`/console/lang?to=${other}&back=/console/login`}
            lang={other}
            className="text-gray-600 underline-offset-2 hover:underline"
          >
            {m.switchLanguage}
          </a>
        </p>
      </section>
    </main>
  );
}
