import { NextResponse, type NextRequest } from "next/server";
import { frameAncestorsFor, NOT_FOUND_HEADER, NOT_FOUND_PATH } from "@/lib/cashier/page-model";
import { getAppContext } from "@/lib/context";
import { LOCALE_HEADER, resolveLocale } from "@/lib/i18n/locale";

/**
 * Per-order framing policy for the cashier page: `frame-ancestors` lists the order's merchant's `embed_origins`
 * (`'none'` when it has none or the order is unknown). Everything else gets `'none'` from next.config.ts. This needs
 * the order, hence a proxy (Node runtime) rather than static headers. It also resolves the page's language once and
 * passes it on as a request header, so the root layout's `<html lang>` matches the text a screen reader will read.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const id = request.nextUrl.pathname.split("/")[2] ?? "";
  // `/pay/api` is the seed-compatible redirect (a route handler), not an order page; next.config.ts headers cover it.
  if (id === "api") return NextResponse.next();
  let origins: string[] | undefined = [];
  try {
    origins = await frameAncestorsFor(await getAppContext(), id);
  } catch {
    // Fail closed: if the order cannot be read, nobody may frame the page.
  }
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(
    LOCALE_HEADER,
    resolveLocale(request.nextUrl.searchParams.get("lang"), request.headers.get("accept-language")),
  );
  // An unknown order goes to the root not-found page from here: a notFound() thrown by a dynamic page reaches the
  // browser as an empty shell filled in by JavaScript, and a payer without it (or on a slow phone) would see nothing.
  if (!origins) requestHeaders.set(NOT_FOUND_HEADER, "order");
  const response = origins
    ? NextResponse.next({ request: { headers: requestHeaders } })
    : NextResponse.rewrite(new URL(NOT_FOUND_PATH, request.url), { request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", `frame-ancestors ${origins?.length ? origins.join(" ") : "'none'"}`);
  return response;
}

export const config = {
  // The page only: its sub-routes (PNG, session, check) are not documents and nothing frames them.
  matcher: "/pay/:id",
};
