import "server-only";
import { z } from "zod";
import { md5, signaturesEqual } from "@/lib/crypto/digest";
import { parseFen } from "@/lib/money";
import type { NotifyOutcome, NotifyRequest, PaymentProvider, ProviderDefinition } from "@/lib/providers/types";
import { textAck } from "@/lib/providers/provider-ack";
import { sandboxChannelSchema, sandboxKey } from "./config";

const SUCCESS = textAck("success");
const FAIL = textAck("fail");

const notifySchema = z.object({
  order_id: z.string().min(1).max(64),
  amount: z.string(),
  trade_no: z.string().min(1).max(64),
  sign: z.string().min(1),
});

/** `sign = md5(order_id + amount + trade_no + key)` (docs/contract.md#sandbox-provider). */
export function sandboxNotifySign(f: { order_id: string; amount: string; trade_no: string }, key: string): string {
  return md5(f.order_id + f.amount + f.trade_no + key);
}

/**
 * The sandbox provider: no upstream at all. Its QR encodes the cashier page itself (a phone that scans it opens the
 * page and can press "simulate payment"), and it accepts notifications signed with the channel's key.
 */
export const sandboxProvider: ProviderDefinition<typeof sandboxChannelSchema> = {
  schema: sandboxChannelSchema,
  create(channel): PaymentProvider {
    return {
      retryAck: FAIL,
      async createPayment(input) {
        const template = channel.payload_template?.[input.type];
        return {
          payload: template ? template.replaceAll("{order_id}", input.orderId) : input.pageUrl,
          payAmountFen: input.amountFen + (channel.amount_offset_fen ?? 0),
          providerOrderId: null,
          expiresAt: null,
          freeAmount: false,
        };
      },
      async parseNotify(request: NotifyRequest): Promise<NotifyOutcome> {
        // POST only: a GET notify could be planted as a link or an <img> and would sit in proxy logs with its sign.
        if (request.method !== "POST") return { kind: "rejected", reason: "sandbox notify must be POST", ack: FAIL };
        const params = new URLSearchParams(request.rawBody);
        const parsed = notifySchema.safeParse(Object.fromEntries(params));
        if (!parsed.success) return { kind: "rejected", reason: "malformed sandbox notify", ack: FAIL };
        const f = parsed.data;
        if (!signaturesEqual(sandboxNotifySign(f, sandboxKey(channel)), f.sign)) {
          return { kind: "rejected", reason: "bad sandbox sign", ack: FAIL };
        }
        const amountFen = parseFen(f.amount);
        if (amountFen === null) return { kind: "rejected", reason: "bad sandbox amount", ack: FAIL };
        return {
          kind: "payment",
          tradeNo: f.trade_no,
          amountFen,
          match: { by: "order_id", orderId: f.order_id },
          ack: SUCCESS,
          raw: { order_id: f.order_id, amount: f.amount, trade_no: f.trade_no },
        };
      },
      simulatedNotifyBody({ orderId, amountFen, tradeNo }) {
        const fields = { order_id: orderId, amount: String(amountFen), trade_no: tradeNo };
        return new URLSearchParams({ ...fields, sign: sandboxNotifySign(fields, sandboxKey(channel)) }).toString();
      },
    };
  },
};
