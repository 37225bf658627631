import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { cache } from "react";
import { CashierPage } from "@/components/cashier/cashier-page";
import { loadCashierModel } from "@/lib/cashier/page-model";
import { getAppContext } from "@/lib/app-context";
import { fmt, messagesFor, resolveLocale } from "@/lib/i18n/locale";
import { isPayType } from "@/lib/pay-types";

type Params = Promise<{ id: string }>;
type Search = Promise<Record<string, string | string[] | undefined>>;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

async function localeFor(search: Record<string, string | string[] | undefined>) {
  return resolveLocale(first(search.lang), (await headers()).get("accept-language"));
}

/** The browser bar follows the page: the light page colour, and the dark one under prefers-color-scheme: dark. */
export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f5f6f8" },
    { media: "(prefers-color-scheme: dark)", color: "#030712" },
  ],
};

/** One order read per request, shared by the metadata and the page. */
const loadModel = cache(async (id: string) =>
  loadCashierModel(await getAppContext(), id, { userAgent: (await headers()).get("user-agent") }),
);

export async function generateMetadata({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: Search;
}): Promise<Metadata> {
  const m = messagesFor(await localeFor(await searchParams));
  const model = await loadModel((await params).id);
  if (!model) return { title: m.orderNotFoundTitle };
  return { title: fmt(m.pageTitle, { merchant: model.merchantName || "Paydesk" }) };
}

/** Builds this page's URL with the payer's parameters kept (embed mode, host origin) and `lang` set. */
function pageHref(id: string, search: Record<string, string | string[] | undefined>, lang?: string): string {
  const q = new URLSearchParams();
  for (const key of ["embed", "origin", "lang"] as const) {
    const v = first(search[key]);
    if (v) q.set(key, v);
  }
  if (lang) q.set("lang", lang);
  const s = q.toString();
  return `/pay/${id}${s ? `?${s}` : ""}`;
}

/** `?failed=alipay` (set with `choice=failed` by the choose route and submit.php): which wallet found no channel. */
function failedType(search: Record<string, string | string[] | undefined>) {
  const v = first(search.failed);
  return first(search.choice) === "failed" && v !== undefined && isPayType(v) ? v : null;
}

export default async function PayPage({ params, searchParams }: { params: Params; searchParams: Search }) {
  const { id } = await params;
  const search = await searchParams;
  const model = await loadModel(id);
  if (!model) notFound();
  const locale = await localeFor(search);
  const m = messagesFor(locale);
  return (
    <>
      {model.kind === "choose" && model.generating ? (
        // Another tab chose the wallet and its code is on the way: look again shortly (the page has no live part yet).
        <meta httpEquiv="refresh" content="2" />
      ) : model.view.status === "pending" && model.kind === "pay" ? (
        // Without JavaScript the page still follows the order: it reloads itself (server-rendered status each time).
        <noscript>
          <meta httpEquiv="refresh" content="5" />
        </noscript>
      ) : null}
      <CashierPage
        model={model}
        m={m}
        locale={locale}
        embedded={first(search.embed) === "1"}
        selfHref={pageHref(id, search)}
        chooseAction={pageHref(id, search).replace(`/pay/${id}`, `/pay/${id}/choose`)}
        choiceFailed={first(search.choice) === "failed"}
        failedType={failedType(search)}
        otherLanguageHref={pageHref(id, search, locale === "en" ? "zh-CN" : "en")}
      />
    </>
  );
}
