import { ConsoleNotice } from "@/components/console/console-notice";
import { consolePage } from "@/lib/console/page-auth";

/** 404 inside the console: an order id that does not exist. */
export default async function ConsoleNotFound() {
  const { m, locale } = await consolePage();
  return <ConsoleNotice lang={locale} title={m.notFoundTitle} body={m.notFoundBody} back={m.navOrders} />;
}
