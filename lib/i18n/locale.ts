import { en } from "./en";
import { zhCN, type Messages } from "./zh-cn";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
/** Request header through which proxy.ts hands the cashier's resolved locale to the root layout (`<html lang>`). */
export const LOCALE_HEADER = "x-paydesk-locale";

/** The locale named by LOCALE_HEADER, if it is one of ours; anything else (absent, forged) is the default. */
export function localeFromHeader(value: string | null | undefined): Locale {
  return (LOCALES as readonly string[]).includes(value ?? "") ? (value as Locale) : DEFAULT_LOCALE;
}

const MESSAGES: Record<Locale, Messages> = { "zh-CN": zhCN, en };

export function messagesFor(locale: Locale): Messages {
  return MESSAGES[locale];
}

/** `?lang=` wins (a payer's explicit choice), then the first supported `Accept-Language` entry by quality, else zh-CN. */
export function resolveLocale(langParam: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  const explicit = matchLocale(langParam ?? "");
  if (explicit) return explicit;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((e) => e.tag && e.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const found = matchLocale(entry.tag);
    if (found) return found;
  }
  return DEFAULT_LOCALE;
}

function matchLocale(tag: string): Locale | null {
  const t = tag.toLowerCase();
  if (t === "zh" || t.startsWith("zh-") || t === "zh_cn") return "zh-CN";
  if (t === "en" || t.startsWith("en-")) return "en";
  return null;
}

/** Fills `{name}` placeholders; an unknown name stays visible rather than silently vanishing. */
export function fmt(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
