import { NextResponse, type NextRequest } from "next/server";
import { frameAncestorsFor } from "@/lib/cashier/page-model";
import { getAppContext } from "@/lib/context";

/**
 * Per-order framing policy for the cashier page: `frame-ancestors` lists the order's merchant's `embed_origins`
 * (`'none'` when it has none or the order is unknown). Everything else gets `'none'` from next.config.ts. This needs
 * the order, hence a proxy (Node runtime) rather than static headers.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const id = request.nextUrl.pathname.split("/")[2] ?? "";
  let origins: string[] = [];
  try {
    origins = await frameAncestorsFor(await getAppContext(), id);
  } catch {
    // Fail closed: if the order cannot be read, nobody may frame the page.
  }
  const response = NextResponse.next();
  response.headers.set("Content-Security-Policy", `frame-ancestors ${origins.length ? origins.join(" ") : "'none'"}`);
  return response;
}

export const config = {
  // The page only: its sub-routes (PNG, session, check) are not documents and nothing frames them.
  matcher: "/pay/:id",
};
