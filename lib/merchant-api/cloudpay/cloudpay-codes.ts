/**
 * The 云端 merchant API's status codes (docs/protocols/cloudpay.md#status-codes, the original platform's table). HTTP
 * status stays 200 for all of them because the shop plugins of this ecosystem read `code` from the body.
 */
export const CloudpayCode = {
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

export type CloudpayCodeValue = (typeof CloudpayCode)[keyof typeof CloudpayCode];

/** The original platform's wording for each code (docs/protocols/cloudpay.md#status-codes); a handler may add detail. */
export const CLOUDPAY_MESSAGES: Record<CloudpayCodeValue, string> = {
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
export class CloudpayError extends Error {
  constructor(
    readonly code: CloudpayCodeValue,
    detail?: string,
  ) {
    super(detail ? `${CLOUDPAY_MESSAGES[code]}: ${detail}` : CLOUDPAY_MESSAGES[code]);
    this.name = "CloudpayError";
  }
}

/** The envelope every merchant API answer uses. */
export interface CloudpayEnvelope<T> {
  code: CloudpayCodeValue;
  msg: string;
  time: string;
  data?: T;
}

export function envelope<T>(code: CloudpayCodeValue, msg: string, now: number, data?: T): CloudpayEnvelope<T> {
  const body: CloudpayEnvelope<T> = { code, msg, time: String(Math.floor(now / 1000)) };
  if (data !== undefined) body.data = data;
  return body;
}
