"use client";

import { useEffect, useState } from "react";
import { NoticePage } from "@/components/notice-page";
import { errorTextFor } from "@/lib/i18n/error-text";

const BUTTON =
  "mt-6 inline-flex min-h-11 w-full items-center justify-center rounded-xl bg-gray-900 px-6 text-base font-medium text-white hover:bg-gray-800";

/**
 * An unexpected rendering error anywhere below the root layout. The server already logged it (with the digest);
 * the payer gets a plain reload, which re-reads the order from the server, and the reassurance that a payment made
 * meanwhile is recorded independently of this page.
 */
export default function ErrorPage({ error }: { error: Error & { digest?: string } }) {
  // The layout's <html lang> carries the language the page was rendered in; read after mount to match the server HTML.
  const [locale, setLocale] = useState("zh-CN");
  // eslint-disable-next-line react-hooks/set-state-in-effect -- the DOM's lang is readable only after mount
  useEffect(() => setLocale(document.documentElement.lang === "en" ? "en" : "zh-CN"), []);
  useEffect(() => console.error("paydesk: page error", error.digest ?? error.message), [error]);
  // Its three strings only: the full message tables would ship to every page with this client component.
  const m = errorTextFor(locale);
  return (
    <NoticePage
      lang={locale}
      title={m.errorTitle}
      body={m.errorBody}
      action={
        <button type="button" className={BUTTON} onClick={() => window.location.reload()}>
          {m.retry}
        </button>
      }
    />
  );
}
