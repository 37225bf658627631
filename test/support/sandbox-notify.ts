import { md5 } from "@/lib/crypto/digest";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import type { AppContext } from "@/lib/context";

/**
 * The sandbox channel's signed payment notify (amount in fen, as the channel sends it), handled in-process the way
 * /api/notify/sandbox would; returns the acknowledgement text (`success` when applied). Not used by production code.
 */
export async function postSandboxNotify(
  ctx: AppContext,
  payment: { orderId: string; amount: string; tradeNo: string },
): Promise<string> {
  const { orderId, amount, tradeNo } = payment;
  const body = new URLSearchParams({
    order_id: orderId,
    amount,
    trade_no: tradeNo,
    sign: md5(`${orderId}${amount}${tradeNo}sandbox`),
  });
  const res = await handleNotify(
    new Request("http://paydesk.test/api/notify/sandbox", { method: "POST", body }),
    "sandbox",
    () => Promise.resolve(ctx),
  );
  return res.text();
}
