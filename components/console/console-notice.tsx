import Link from "next/link";
import { NoticePage } from "@/components/notice-page";

/** A whole-page notice inside the console (403, 404), with the way back to the order list. */
export function ConsoleNotice({
  lang,
  title,
  body,
  back,
}: {
  lang: string;
  title: string;
  body: string;
  back: string;
}) {
  return (
    <NoticePage
      lang={lang}
      title={title}
      body={body}
      action={
        <Link
          href="/console/orders"
          className="mt-6 inline-block text-sm text-[#1061d6] underline-offset-2 hover:underline"
        >
          {back}
        </Link>
      }
    />
  );
}
