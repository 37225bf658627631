import "server-only";
import type { CheckResponse, SessionResponse } from "@/lib/cashier/payer-dtos";
import { qrPng } from "@/lib/cashier/qr-image";
import type { AppContext } from "@/lib/context";
import { ORDER_ID_PATTERN } from "@/lib/ids";
import { findLiveOrder, reconciledOrderView } from "@/lib/orders/order-views";
import { issueNonce } from "@/lib/session/cashier-session";
import type { Order } from "@/lib/storage/records";
import { PayerError, payerJson, type PayerRoute } from "./payer-handler";

/** The cashier's own endpoints under /pay; each app/pay route file is `export const X = payerHandler(oneOfThese)`. */

type OrderParams = { id: string };

/** From the in-memory live orders: a page's requests read the order once until its next event, and never write. */
async function readableOrder(ctx: AppContext, id: string): Promise<Order> {
  const order = await findLiveOrder(ctx, id);
  if (!order) throw new PayerError("not_found", "order not found");
  return order;
}

/**
 * `POST /pay/{id}/check`: the "I have paid" button. A page action (session nonce); answers the public view at once, so
 * the payer does not wait for the next poll. This is the explicit reconciliation step (the public view itself is
 * pure): a queryable provider is asked about a pending order, within the once-per-10-s budget per order.
 */
export const checkRoute: PayerRoute<OrderParams> = {
  options: { nonce: true },
  async run({ ctx, params }) {
    const view = await reconciledOrderView(ctx, params.id);
    if (!view) throw new PayerError("not_found", "order not found");
    const body: CheckResponse = { data: view };
    return payerJson(body);
  },
};

/**
 * `POST /pay/{id}/session[?framed=1]`: seals the payer's CSRF nonce into the session cookie and returns it to the
 * page's script (cookies can only be set from a route handler, not while the page renders).
 */
export const sessionRoute: PayerRoute<OrderParams> = {
  async run({ request, ctx, params }) {
    await readableOrder(ctx, params.id);
    const cookieCarrier = new Response(null);
    const token = await issueNonce(
      request,
      cookieCarrier,
      {
        secret: ctx.config.sessionSecret,
        framed: new URL(request.url).searchParams.get("framed") === "1",
        https: ctx.config.baseUrl.startsWith("https:"),
      },
      params.id,
    );
    const body: SessionResponse = { token };
    return payerJson(body, cookieCarrier.headers);
  },
};

/**
 * A PNG of something the order's page already shows, for real orders only (Paydesk is no open QR renderer, and
 * nothing new is revealed). `content` picks what the image encodes, `size` its width in pixels. What it encodes never
 * changes for an order once it exists, so the PNG is rendered once (lib/cashier/qr-image.ts) and cached as immutable.
 */
function orderQrPng(content: (ctx: AppContext, order: Order) => string, size?: number): PayerRoute<OrderParams> {
  return {
    async run({ ctx, params }) {
      const order = await readableOrder(ctx, params.id);
      const text = content(ctx, order);
      // An epay order still waiting for its wallet has no payload yet: nothing to cache for good.
      if (!text) throw new PayerError("not_found", "no code yet");
      const png = await qrPng(text, size);
      return new Response(new Uint8Array(png), {
        headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=86400, immutable" },
      });
    },
  };
}

/** `GET /pay/{id}/code`: the wallet payload itself, for the phone layout's saveable `<img>`. */
export const payloadPngRoute = orderQrPng((_ctx, order) => order.payload, 480);

/** `GET /pay/{id}/qrcode`: the order's `pay_url` (the page), as the merchant API's `qrcode_url` promises. */
export const payUrlPngRoute = orderQrPng((ctx, order) => `${ctx.config.baseUrl}/pay/${order.id}`);

/**
 * `GET /pay/api?id=…`: the original platform's URL shape (docs/contract.md), sent on to the cashier page on Paydesk's PUBLIC origin
 * (PAYDESK_BASE_URL): behind a reverse proxy the request URL is the internal `http://localhost:PORT/…`.
 */
export const payApiRoute: PayerRoute = {
  async run({ request, ctx }) {
    const id = new URL(request.url).searchParams.get("id") ?? "";
    if (!ORDER_ID_PATTERN.test(id)) throw new PayerError("not_found", "order not found");
    return Response.redirect(`${ctx.config.baseUrl}/pay/${id}`, 302);
  },
};
