/**
 * The merchant API's status codes (docs/protocols/cloudpay.md#status-codes, the seed's table). HTTP status stays 200
 * for all of them because the shop plugins of this ecosystem read `code` from the body.
 */
export const MerchantCode = {
  OK: 100,
  APPKEY_REQUIRED: 101,
  APPKEY_INVALID: 102,
  SIGN_REQUIRED: 103,
  SIGN_INVALID: 104,
  PARAM_MISSING: 105,
  PARAM_FORBIDDEN: 106,
  API_CLOSED: 107,
  RETURN_URL_MISSING: 108,
  NOTIFY_URL_MISSING: 109,
  QUOTA_EXCEEDED: 110,
  UNKNOWN: 199,
  PRICE_INVALID: 201,
  TYPE_INVALID: 202,
  TYPE_CLOSED: 203,
  NO_CHANNEL: 204,
  UPSTREAM_FAILED: 208,
} as const;

export type MerchantCodeValue = (typeof MerchantCode)[keyof typeof MerchantCode];

/** The seed's own wording for each code; a handler may add detail after it. */
export const MERCHANT_MESSAGES: Record<MerchantCodeValue, string> = {
  100: "请求成功",
  101: "秘钥必须",
  102: "无效的秘钥",
  103: "签名必须",
  104: "无效的签名",
  105: "参数缺失",
  106: "存在禁止传递的参数",
  107: "api已关闭",
  108: "回调接口url未填写",
  109: "通知接口url未填写",
  110: "套餐已超额",
  199: "未知错误",
  201: "价格无效",
  202: "无效的支付方式",
  203: "当前支付方式已关闭",
  204: "无可用支付方式",
  208: "队列创建错误",
};

/** A merchant-API failure carrying its code; the route wrapper turns it into the `{code, msg}` envelope. */
export class MerchantError extends Error {
  constructor(
    readonly code: MerchantCodeValue,
    detail?: string,
  ) {
    super(detail ? `${MERCHANT_MESSAGES[code]}: ${detail}` : MERCHANT_MESSAGES[code]);
    this.name = "MerchantError";
  }
}

/** The envelope every merchant API answer uses. */
export interface MerchantEnvelope<T> {
  code: MerchantCodeValue;
  msg: string;
  time: string;
  data?: T;
}

export function envelope<T>(code: MerchantCodeValue, msg: string, now: number, data?: T): MerchantEnvelope<T> {
  const body: MerchantEnvelope<T> = { code, msg, time: String(Math.floor(now / 1000)) };
  if (data !== undefined) body.data = data;
  return body;
}
