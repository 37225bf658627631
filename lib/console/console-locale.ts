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

/** The zone every console time is printed in (China has one zone and no summer time). */
export const CONSOLE_ZONE = "UTC+8";

/**
 * Every time the console prints, with its zone: `2026-12-08 09:15:00 (UTC+8)`, or only the clock (`09:15:00 (UTC+8)`)
 * where the day is plain from the context (a breaker that reopens within minutes). The one formatter for pages and
 * components; formatBeijing stays the bare form for machine-read text (CSV columns name their zone in the header).
 */
export function formatConsoleTime(at: number, part: "datetime" | "time" = "datetime"): string {
  const full = formatBeijing(at);
  return `${part === "time" ? full.slice(11) : full} (${CONSOLE_ZONE})`;
}

/** Where an action may send the browser back to: a console path only (no open redirect). */
export function safeConsolePath(input: unknown, fallback = "/console"): string {
  if (typeof input !== "string") return fallback;
  return /^\/console(\/[A-Za-z0-9/_-]*)?(\?[^\s#\\]*)?$/.test(input) && !input.startsWith("//") ? input : fallback;
}
