import { expect } from "vitest";
import { payerErrorSchema, sessionResponseSchema } from "@/lib/cashier/payer-dtos";
import type { AppContext } from "@/lib/context";
import { payerHandler, type PayerRoute } from "@/lib/http/payer-handler";
import { sessionRoute } from "@/lib/http/payer-routes";

export const PAYER_BASE = "http://paydesk.test";

/** A payer route as Next.js would call it, bound to a test context. */
export function payerRouteFor<P>(ctx: AppContext, route: PayerRoute<P>) {
  return payerHandler(route, () => Promise.resolve(ctx));
}

/** The route context Next.js passes to `/pay/[id]/…` handlers. */
export const withOrderId = (id: string) => ({ params: Promise.resolve({ id }) });

/** Asserts the one payer error shape, `{error: {code, message}}`, with its status. */
export async function expectPayerError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  const body = payerErrorSchema.parse(await res.json());
  expect(body.error.code).toBe(code);
  expect(body.error.message).not.toBe("");
}

/** Opens a payer session for order `id`: the sealed cookie and the nonce the page would send back. */
export async function openPayerSession(ctx: AppContext, id: string): Promise<{ cookie: string; token: string }> {
  const res = await payerRouteFor(ctx, sessionRoute)(
    new Request(`${PAYER_BASE}/pay/${id}/session`, { method: "POST" }),
    withOrderId(id),
  );
  expect(res.status).toBe(200);
  const { token } = sessionResponseSchema.parse(await res.json());
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  expect(cookie).toMatch(/^paydesk_session=/);
  return { cookie, token };
}
