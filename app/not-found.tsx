import { headers } from "next/headers";
import { NoticePage } from "@/components/notice-page";
import { NOT_FOUND_HEADER } from "@/lib/cashier/page-model";
import { LOCALE_HEADER, localeFromHeader, messagesFor } from "@/lib/i18n/locale";

/** Any URL Paydesk does not serve, and `/pay/{id}` for an id with no order (proxy.ts marks those). */
export default async function NotFound() {
  const h = await headers();
  const locale = localeFromHeader(h.get(LOCALE_HEADER));
  const m = messagesFor(locale);
  return h.get(NOT_FOUND_HEADER) === "order" ? (
    <NoticePage lang={locale} title={m.orderNotFoundTitle} body={m.orderNotFoundBody} />
  ) : (
    <NoticePage lang={locale} title={m.pageNotFoundTitle} body={m.pageNotFoundBody} />
  );
}
