import { closeSign, createSign, orderLookupSign, recordsSign } from "@/lib/merchant-api/cloudpay/cloudpay-sign";
import { TEST_MERCHANT } from "./test-context";

/** Builds signed merchant-API parameters the way a shop's code would (tests and the demo use it). */
export function signedCreateParams(
  p: { price: string; type: string; out_order_id: string; custom?: string },
  merchant: { appkey: string; appsecret: string } = TEST_MERCHANT,
): Record<string, string> {
  const custom = p.custom ?? "";
  const sign = createSign(
    { appkey: merchant.appkey, price: p.price, type: p.type, out_order_id: p.out_order_id, custom },
    merchant.appsecret,
  );
  return {
    appkey: merchant.appkey,
    price: p.price,
    type: p.type,
    out_order_id: p.out_order_id,
    ...(p.custom !== undefined ? { custom } : {}),
    sign,
  };
}

/** Query and the vendor's `/api/order/check`: `md5(md5(appkey + out_order_id) + appsecret)`. */
export function signedLookupParams(
  outOrderId: string,
  merchant: { appkey: string; appsecret: string } = TEST_MERCHANT,
): Record<string, string> {
  return {
    appkey: merchant.appkey,
    out_order_id: outOrderId,
    sign: orderLookupSign({ appkey: merchant.appkey, out_order_id: outOrderId }, merchant.appsecret),
  };
}

/** Close: `md5(md5("close" + appkey + out_order_id) + appsecret)` (Paydesk's own endpoint, its action word first). */
export function signedCloseParams(
  outOrderId: string,
  merchant: { appkey: string; appsecret: string } = TEST_MERCHANT,
): Record<string, string> {
  return {
    appkey: merchant.appkey,
    out_order_id: outOrderId,
    sign: closeSign({ appkey: merchant.appkey, out_order_id: outOrderId }, merchant.appsecret),
  };
}

/** Records: `md5(md5("records" + appkey + custom) + appsecret)`. */
export function signedRecordsParams(
  custom: string,
  merchant: { appkey: string; appsecret: string } = TEST_MERCHANT,
): Record<string, string> {
  return {
    appkey: merchant.appkey,
    custom,
    sign: recordsSign({ appkey: merchant.appkey, custom }, merchant.appsecret),
  };
}
