import { NextResponse, type NextRequest } from "next/server";
import { frameAncestorsFor, NOT_FOUND_HEADER, NOT_FOUND_PATH } from "@/lib/cashier/page-model";
import { getAppContext } from "@/lib/app-context";
import { payerRateLimit } from "@/lib/http/payer-handler";
import { hstsFor, newNonce, pageCsp } from "@/lib/http/security-headers";
import { LOCALE_HEADER, resolveLocale } from "@/lib/i18n/locale";

/**
 * Every document gets a Content-Security-Policy with a fresh script nonce (lib/http/security-headers.ts): set on the
 * request too, which is where Next.js looks for the nonce to put on its own scripts. On a cashier page `/pay/{id}`,
 * `frame-ancestors` lists the order's merchant's `embed_origins` (`'none'` when it has none or the order is unknown),
 * which needs the order, hence a proxy (Node runtime) rather than static headers; the page is also counted against
 * the payer's per-IP limit, and its language is resolved once and passed on (the layout's `<html lang>`).
 * Static headers (nosniff, Referrer-Policy, Permissions-Policy, API CSP) come from lib/http/security-header-list.mjs
 * through next.config.ts.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const ctx = await getAppContext();
  const segments = request.nextUrl.pathname.split("/");
  const requestHeaders = new Headers(request.headers);
  const hsts = hstsFor(ctx.config.baseUrl);
  const finish = (response: NextResponse): NextResponse => {
    if (hsts) response.headers.set("Strict-Transport-Security", hsts);
    return response;
  };
  // API routes: only HSTS here (their CSP is static, next.config.ts).
  if (segments[1] === "api") return finish(NextResponse.next());

  let frameAncestors: string[] | undefined = [];
  const cashierId =
    segments[1] === "pay" && segments.length === 3 && segments[2] !== "api" ? (segments[2] ?? "") : null;
  if (cashierId !== null) {
    const limited = await payerRateLimit(ctx, request);
    if (limited) return finish(new NextResponse(limited.body, { status: limited.status, headers: limited.headers }));
    try {
      frameAncestors = await frameAncestorsFor(ctx, cashierId);
    } catch {
      // Fail closed: if the order cannot be read, nobody may frame the page.
      frameAncestors = [];
    }
    requestHeaders.set(
      LOCALE_HEADER,
      resolveLocale(request.nextUrl.searchParams.get("lang"), request.headers.get("accept-language")),
    );
    // An unknown order goes to the root not-found page from here: a notFound() thrown by a dynamic page reaches the
    // browser as an empty shell filled in by JavaScript, and a payer without it (or on a slow phone) would see nothing.
    if (!frameAncestors) requestHeaders.set(NOT_FOUND_HEADER, "order");
  }
  const csp = pageCsp({ nonce: newNonce(), frameAncestors: frameAncestors ?? [], dev: ctx.config.dev });
  requestHeaders.set("Content-Security-Policy", csp);
  const response = frameAncestors
    ? NextResponse.next({ request: { headers: requestHeaders } })
    : NextResponse.rewrite(new URL(NOT_FOUND_PATH, request.url), { request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return finish(response);
}

export const config = {
  // Documents and API routes; not the build's static files. Prefetches carry no document to protect.
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|embed.js).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
