/**
 * The error page's three strings, apart from the full message tables: app/error.tsx is a client component on every
 * page, and importing lib/i18n/locale.ts there shipped both whole tables (~4 kB gzip) to every payer. zh-cn.ts and
 * en.ts take these same strings, so the keys stay checked there (messages test) and are written once.
 */
export const ERROR_TEXT = {
  "zh-CN": {
    errorTitle: "页面暂时无法显示",
    errorBody: "请稍后刷新重试。如已付款，付款不会丢失，到账后商户会收到通知。",
    retry: "刷新重试",
  },
  en: {
    errorTitle: "This page cannot be shown right now",
    errorBody:
      "Please reload in a moment. If you have already paid, the payment is not lost: the shop is notified when it arrives.",
    retry: "Reload",
  },
} as const;

/** The page's language from `<html lang>` (the root layout writes one of ours); anything else is zh-CN. */
export function errorTextFor(lang: string | null | undefined): (typeof ERROR_TEXT)[keyof typeof ERROR_TEXT] {
  return lang === "en" ? ERROR_TEXT.en : ERROR_TEXT["zh-CN"];
}
