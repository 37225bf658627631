import "server-only";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { chooseType } from "@/lib/orders/choose-type";
import { isPayType } from "@/lib/pay-types";

/** The page's own parameters that survive the round trip through the chooser. */
const KEPT_PARAMS = ["embed", "origin", "lang"];

/**
 * `POST /pay/{id}/choose` (form field `type`): the wallet chooser's submit, which works without JavaScript. Answers
 * 303 back to the page (now showing the code), keeping the page's own parameters; `choice=failed` when the code
 * could not be made, with `failed={type}` naming the wallet. A cross-site form post is refused: the browser names
 * the posting origin.
 */
export function chooseRoute(contextFactory: () => Promise<AppContext> = getAppContext) {
  return async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const { id } = await params;
    const url = new URL(request.url);
    const origin = request.headers.get("origin");
    const host = request.headers.get("host") ?? url.host;
    if (origin && origin !== "null" && URL.parse(origin)?.host !== host)
      return new Response("forbidden", { status: 403 });
    const form = new URLSearchParams(await request.text());
    const ctx = await contextFactory();
    const result = await chooseType(ctx, id, form.get("type") ?? "");
    const back = new URLSearchParams();
    for (const key of KEPT_PARAMS) {
      const v = url.searchParams.get(key);
      if (v) back.set(key, v);
    }
    if (result.outcome === "error") {
      back.set("choice", "failed");
      // The page then names the wallet and offers it again, next to the others some channel serves.
      const type = form.get("type") ?? "";
      if (isPayType(type)) back.set("failed", type);
    }
    const query = back.toString();
    return new Response(null, {
      status: 303,
      headers: { Location: `/pay/${id}${query ? `?${query}` : ""}`, "Cache-Control": "no-store" },
    });
  };
}
