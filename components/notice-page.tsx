import type { ReactNode } from "react";

/**
 * A whole-page notice in the cashier's look (not-found, error): a payer who lands here must still see a calm page
 * in their language that says what to do next, never the framework's default or a stack trace.
 */
export function NoticePage({
  lang,
  title,
  body,
  action,
}: {
  lang: string;
  title: string;
  body: string;
  action?: ReactNode;
}) {
  return (
    <main lang={lang} className="mx-auto mt-16 w-full max-w-md px-4">
      <section className="rounded-2xl bg-white px-6 py-10 text-center shadow-sm" aria-labelledby="notice-title">
        <div
          aria-hidden="true"
          className="mx-auto flex size-16 items-center justify-center rounded-full bg-gray-400 text-3xl text-white"
        >
          !
        </div>
        <h1 id="notice-title" className="mt-5 text-xl font-semibold text-gray-900">
          {title}
        </h1>
        <p className="mt-3 text-sm leading-6 text-gray-600">{body}</p>
        {action}
      </section>
    </main>
  );
}
