import { z } from "zod";
import { printable } from "@/lib/text/printable";

/**
 * Wire shapes of V免签's merchant API (docs/protocols/vmq.md#envelope). Every answer is JSON `{code: 1 | -1, msg, data}`
 * with HTTP 200; the field names and value kinds follow vmqphp, which shop plugins were written against.
 */

/** A request that cannot be served; `message` goes to the shop as `msg` (code -1). */
export class VmqError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VmqError";
  }
}

/** vmqphp's answer to a wrong signature; also to a signature Paydesk issued or one that already made an order. */
export const VMQ_BAD_SIGN = "签名校验不通过";

export interface VmqEnvelope<T> {
  code: 1 | -1;
  msg: string;
  data: T | null;
}

export function vmqOk<T>(data: T, msg = "成功"): VmqEnvelope<T> {
  return { code: 1, msg, data };
}

export function vmqFail(msg: string): VmqEnvelope<never> {
  return { code: -1, msg, data: null };
}

/** An order as createOrder and getOrder describe it. */
export interface VmqOrderData {
  /** The shop's own order number. */
  payId: string;
  /** Paydesk's order id: what getOrder/checkOrder/closeOrder take. */
  orderId: string;
  /** 1 = WeChat, 2 = Alipay. */
  payType: number;
  /** The price exactly as the shop sent it. */
  price: string;
  /** The amount the payer must pay (yuan): differs from the price when other orders hold it. */
  reallyPrice: number;
  /** The QR content to show (vmqphp's meaning of payUrl). */
  payUrl: string;
  /** 1 = a fixed-amount code (nothing to type), 0 = a free-amount code (the payer types reallyPrice). */
  isAuto: 0 | 1;
  /** 0 = waiting, 1 = paid, -1 = expired or closed. */
  state: 0 | 1 | -1;
  /** Minutes the order may be paid. */
  timeOut: number;
  /** Creation time, seconds since the epoch. */
  date: number;
  /** Paydesk's cashier page for the order (where isHtml=1 sends the payer). */
  cashierUrl: string;
}

/** The monitor's health as getState reports it (strings, as vmqphp's settings table holds them). */
export interface VmqStateData {
  /** Last heartbeat of the merchant's monitor apps, seconds since the epoch ("0" when none yet). */
  lastheart: string;
  /** Last payment any of them reported, seconds since the epoch ("0" when none yet). */
  lastpay: string;
  /** "1" when a monitor is online (or the merchant's channels need none), "0" when offline. */
  jkstate: "0" | "1";
}

const optionalText = z
  .string()
  .max(2048)
  .optional()
  .transform((v) => (v ? v : undefined));

export const createOrderParams = z.object({
  payId: printable(128).pipe(z.string().min(1)),
  type: z.string().min(1),
  price: z.string().min(1),
  sign: z.string().min(1),
  param: printable(255).default(""),
  notifyUrl: optionalText,
  returnUrl: optionalText,
  isHtml: z.string().optional(),
});

export const orderIdParams = z.object({ orderId: z.string().min(1).max(64) });
export const closeOrderParams = z.object({ orderId: z.string().min(1).max(64), sign: z.string().min(1) });
export const stateParams = z.object({ t: z.string().min(1).max(32), sign: z.string().min(1) });

/** "参数缺失：payId, sign" from a zod failure. */
export function missing(error: z.ZodError): VmqError {
  return new VmqError(`参数错误：${[...new Set(error.issues.map((i) => i.path.join(".")))].join(", ")}`);
}
