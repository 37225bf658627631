import { qrPng } from "@/lib/cashier/qr-image";
import { getAppContext } from "@/lib/context";
import { findLiveOrder } from "@/lib/orders/order-views";

/**
 * PNG of the order's wallet payload, for the phone layout's saveable `<img>`. Only for real orders (no open QR
 * renderer); the payload is what the page already shows as a QR, so nothing new is revealed.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const order = await findLiveOrder(await getAppContext(), id);
  if (!order) return new Response("not found", { status: 404 });
  const png = await qrPng(order.payload, 480);
  return new Response(new Uint8Array(png), {
    headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=86400, immutable" },
  });
}
