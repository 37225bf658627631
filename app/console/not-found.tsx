import Link from "next/link";
import { NoticePage } from "@/components/notice-page";
import { consolePage } from "@/lib/console/page-auth";

/** 404 inside the console: an order id that does not exist. */
export default async function ConsoleNotFound() {
  const { m, locale } = await consolePage();
  return (
    <NoticePage
      lang={locale}
      title={m.notFoundTitle}
      body={m.notFoundBody}
      action={
        <Link href="/console/orders" className="mt-6 inline-block text-sm text-[#1061d6] underline-offset-2 hover:underline">
          {m.navOrders}
        </Link>
      }
    />
  );
}
