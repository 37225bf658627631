import { ConsoleNotice } from "@/components/console/console-notice";
import { accountsMessages } from "@/lib/console/accounts-i18n";
import { consolePage } from "@/lib/console/page-auth";

/** 403 for the users page: only owners manage users (lib/console/roles.ts). */
export default async function UsersForbidden() {
  const { m, locale } = await consolePage();
  const a = accountsMessages(locale);
  return <ConsoleNotice lang={locale} title={m.forbiddenTitle} body={a.roleHelp} back={m.navOrders} />;
}
