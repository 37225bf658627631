import { getAppContext } from "@/lib/context";
import { payerRateLimit } from "@/lib/http/abuse-limits";
import { payAliasRedirect } from "@/lib/http/pay-alias";

/** `/pay/api?id=…`: the seed platform's URL shape, sent on to the cashier page. */
export async function GET(request: Request): Promise<Response> {
  const ctx = await getAppContext();
  return (await payerRateLimit(ctx, request)) ?? payAliasRedirect(ctx, request);
}
