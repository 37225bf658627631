import Link from "next/link";
import { NoticePage } from "@/components/notice-page";
import { consolePage } from "@/lib/console/page-auth";

/** 403 inside the console: another merchant's order (forbidden() in the page). */
export default async function ConsoleForbidden() {
  const { m, locale } = await consolePage();
  return (
    <NoticePage
      lang={locale}
      title={m.forbiddenTitle}
      body={m.forbiddenBody}
      action={
        <Link href="/console/orders" className="mt-6 inline-block text-sm text-[#1061d6] underline-offset-2 hover:underline">
          {m.navOrders}
        </Link>
      }
    />
  );
}
