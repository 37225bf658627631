import { qrPng } from "@/lib/cashier/qr-image";
import { getAppContext } from "@/lib/context";
import { findLiveOrder } from "@/lib/orders/order-views";

/** PNG of the order's `pay_url`; only for real orders, so Paydesk is no open QR renderer. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const ctx = await getAppContext();
  const order = await findLiveOrder(ctx, id);
  if (!order) return new Response("not found", { status: 404 });
  const png = await qrPng(`${ctx.config.baseUrl}/pay/${order.id}`);
  return new Response(new Uint8Array(png), {
    headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=86400, immutable" },
  });
}
