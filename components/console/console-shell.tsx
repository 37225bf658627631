import type { ReactNode } from "react";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import type { SignedInPage } from "@/lib/console/page-auth";
import { accountsMessages } from "@/lib/console/accounts-i18n";
import { fmt } from "@/lib/i18n/locale";
import { CsrfField } from "./csrf-field";

export type ConsoleSection = "overview" | "orders" | "review" | "channels" | "alerts" | "audit" | "users" | "account";

const NAV: { key: ConsoleSection; href: string; label: (m: ConsoleMessages) => string }[] = [
  { key: "overview", href: "/console", label: (m) => m.navOverview },
  { key: "orders", href: "/console/orders", label: (m) => m.navOrders },
  { key: "review", href: "/console/review", label: (m) => m.navReview },
  { key: "channels", href: "/console/channels", label: (m) => m.navChannels },
  { key: "alerts", href: "/console/alerts", label: (m) => m.navAlerts },
  { key: "audit", href: "/console/audit", label: (m) => m.navAudit },
];

/** The signed-in console's frame: title, navigation, who is signed in, language switch and logout. */
export function ConsoleShell(props: {
  /** The signed-in page (requireConsoleUser): language, messages, who is signed in and the CSRF token. */
  page: Pick<SignedInPage, "m" | "locale" | "session">;
  section: ConsoleSection;
  selfPath: string;
  children: ReactNode;
}) {
  const { m, locale } = props.page;
  const { user, csrf } = props.page.session;
  const other = locale === "en" ? "zh-CN" : "en";
  return (
    <div lang={locale} className="min-h-screen">
      <header className="border-b border-gray-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <a href="/console" className="text-base font-semibold text-gray-900">
            {m.consoleTitle}
          </a>
          <nav aria-label={m.consoleTitle} className="flex flex-wrap gap-1 text-sm">
            {[
              ...NAV.map((n) => ({ key: n.key, href: n.href, label: n.label(m) })),
              // Accounts (lib/console/accounts-i18n.ts): the users page for owners only (the page checks it too).
              ...(props.page.session.account.role === "owner"
                ? [{ key: "users" as const, href: "/console/users", label: accountsMessages(locale).navUsers }]
                : []),
              { key: "account" as const, href: "/console/account", label: accountsMessages(locale).navAccount },
            ].map((n) => (
              <a
                key={n.key}
                href={n.href}
                aria-current={n.key === props.section ? "page" : undefined}
                className={`rounded-md px-3 py-1.5 ${n.key === props.section ? "bg-[#1061d6] font-medium text-white" : "text-gray-700 hover:bg-gray-100"}`}
              >
                {n.label}
              </a>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-4 text-sm text-gray-600">
            <span data-testid="signed-in-as">{fmt(m.signedInAs, { user })}</span>
            <a
              href={`/console/lang?to=${other}&back=${encodeURIComponent(props.selfPath)}`}
              lang={other}
              className="underline-offset-2 hover:underline"
            >
              {m.switchLanguage}
            </a>
            <form method="post" action="/console/auth/logout">
              <CsrfField token={csrf} />
              <button
                type="submit"
                className="rounded-md border border-gray-300 px-3 py-1 text-gray-700 hover:bg-gray-50"
              >
                {m.logout}
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-6">{props.children}</main>
    </div>
  );
}
