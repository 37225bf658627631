import { qrPng } from "@/lib/cashier/qr-image";
import { getAppContext } from "@/lib/context";
import { payerRateLimit } from "@/lib/http/abuse-limits";
import { loadOrderForRead } from "@/lib/orders/order-views";

/** PNG of the order's `pay_url`; only for real orders, so Paydesk is no open QR renderer. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const ctx = await getAppContext();
  const limited = await payerRateLimit(ctx, request);
  if (limited) return limited;
  const order = await loadOrderForRead(ctx, id);
  if (!order) return new Response("not found", { status: 404 });
  const png = await qrPng(`${ctx.config.baseUrl}/pay/${order.id}`);
  return new Response(new Uint8Array(png), { headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=300" } });
}
