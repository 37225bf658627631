import "server-only";
// This file must use next/*: server components read the request's cookies and headers, and redirect, only this way.
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getAppContext, type AppContext } from "@/lib/app-context";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import type { Locale } from "@/lib/i18n/locale";
import { CONSOLE_LANG_COOKIE, consoleLocale, consoleMessages } from "./console-locale";
import { scopeFor, type ConsoleScope } from "./console-scope";
import { CONSOLE_COOKIE, readConsoleSession, type ConsoleSession } from "./console-session";
import { leastRoleForPage, roleAtLeast } from "./roles";

export interface ConsolePage {
  ctx: AppContext;
  locale: Locale;
  m: ConsoleMessages;
}

export interface SignedInPage extends ConsolePage {
  session: ConsoleSession;
  scope: ConsoleScope;
}

/** The request's context and language (cached per request: the layout and the page share one read). */
export const consolePage = cache(async (): Promise<ConsolePage> => {
  const [ctx, jar, h] = await Promise.all([getAppContext(), cookies(), headers()]);
  const locale = consoleLocale(jar.get(CONSOLE_LANG_COOKIE)?.value, h.get("accept-language"));
  return { ctx, locale, m: consoleMessages(locale) };
});

/**
 * The signed-in operator, or a redirect to the login page; an account that must still enrol in TOTP is let through
 * too (the layout, and the account page where it enrols, use this).
 */
export const requireConsoleSession = cache(async (): Promise<SignedInPage> => {
  const page = await consolePage();
  const jar = await cookies();
  const sealed = jar.get(CONSOLE_COOKIE)?.value;
  // A database read on every page: a session ended on any instance (logout, revoked) is refused here at once.
  const session = await readConsoleSession(page.ctx, sealed);
  if (!session) redirect(sealed ? "/console/login?expired=1" : "/console/login");
  return { ...page, session, scope: scopeFor(page.ctx.config, session.account) };
});

/**
 * The signed-in operator, allowed to see `pagePath` (lib/console/roles.ts `CONSOLE_PAGE_ROLES`: 403 otherwise), or a
 * redirect: to the login page, or to the account page while the owner requires TOTP and this account has none.
 * Every console page calls it, not only the layout.
 */
export async function requireConsoleUser(pagePath = "/console"): Promise<SignedInPage> {
  const page = await requireConsoleSession();
  if (page.session.mustEnrolTotp) redirect("/console/account?enrol=1");
  if (!roleAtLeast(page.session.account.role, leastRoleForPage(pagePath))) forbidden();
  return page;
}
