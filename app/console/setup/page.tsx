import type { Metadata } from "next";
import { FormField } from "@/components/console/form-field";
import { accountsError, accountsMessages } from "@/lib/console/accounts-i18n";
import { consolePage } from "@/lib/console/page-auth";
import { setupTokenValid } from "@/lib/console/setup";

export const metadata: Metadata = { title: "Paydesk · Console setup" };

type Search = Promise<Record<string, string | string[] | undefined>>;

/** First run: the one-time link from the start log opens this form, which creates the first owner. */
export default async function SetupPage({ searchParams }: { searchParams: Search }) {
  const { ctx, m, locale } = await consolePage();
  const a = accountsMessages(locale);
  const q = await searchParams;
  const token = typeof q.token === "string" ? q.token : "";
  const valid = await setupTokenValid(ctx, token);
  const error = accountsError(a, typeof q.error === "string" ? q.error : undefined);
  return (
    <main lang={locale} className="mx-auto mt-16 w-full max-w-sm px-4">
      <section aria-labelledby="setup-title" className="rounded-2xl bg-white px-6 py-8 shadow-sm">
        <p className="text-sm text-gray-600">{m.consoleTitle}</p>
        <h1 id="setup-title" className="mt-1 text-xl font-semibold text-gray-900">
          {a.setupTitle}
        </h1>
        {!valid ? (
          <p
            role="alert"
            data-testid="setup-invalid"
            className="mt-4 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900"
          >
            {a.setupInvalid}
          </p>
        ) : (
          <>
            <p className="mt-3 text-sm text-gray-700">{a.setupIntro}</p>
            {error ? (
              <p role="alert" className="mt-4 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900">
                {error}
              </p>
            ) : null}
            <form method="post" action="/console/setup/create" className="mt-5 space-y-4">
              <input type="hidden" name="token" value={token} />
              <FormField label={a.setupName} name="name" autoComplete="username" required maxLength={64} />
              {(["password", "repeat"] as const).map((name) => (
                <FormField
                  key={name}
                  label={name === "password" ? a.setupPassword : a.setupRepeat}
                  name={name}
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={10}
                />
              ))}
              <button
                type="submit"
                className="w-full rounded-lg bg-[#1061d6] px-4 py-2.5 font-medium text-white hover:bg-[#0d52b8]"
              >
                {a.setupSubmit}
              </button>
            </form>
          </>
        )}
      </section>
    </main>
  );
}
