import { consoleEn } from "@/lib/i18n/console-en";
import { consoleZhCN, type ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { resolveLocale, type Locale } from "@/lib/i18n/locale";

/** The console remembers an operator's language in this cookie (set by GET /console/lang); else Accept-Language. */
export const CONSOLE_LANG_COOKIE = "paydesk_console_lang";

export function consoleLocale(cookieValue: string | undefined, acceptLanguage: string | null): Locale {
  return resolveLocale(cookieValue, acceptLanguage);
}

export function consoleMessages(locale: Locale): ConsoleMessages {
  return locale === "en" ? consoleEn : consoleZhCN;
}

/** A time as operators in China read it: Beijing time, `YYYY-MM-DD HH:MM:SS`, whatever the server's zone. */
export function formatBeijing(at: number): string {
  return new Date(at + 8 * 3600_000).toISOString().replace("T", " ").slice(0, 19);
}

/** Where an action may send the browser back to: a console path only (no open redirect). */
export function safeConsolePath(input: unknown, fallback = "/console"): string {
  if (typeof input !== "string") return fallback;
  return /^\/console(\/[A-Za-z0-9/_-]*)?(\?[^\s#\\]*)?$/.test(input) && !input.startsWith("//") ? input : fallback;
}
