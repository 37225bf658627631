import { ConsoleNotice } from "@/components/console/console-notice";
import { consolePage } from "@/lib/console/page-auth";

/** 403 inside the console: another merchant's order (forbidden() in the page). */
export default async function ConsoleForbidden() {
  const { m, locale } = await consolePage();
  return <ConsoleNotice lang={locale} title={m.forbiddenTitle} body={m.forbiddenBody} back={m.navOrders} />;
}
