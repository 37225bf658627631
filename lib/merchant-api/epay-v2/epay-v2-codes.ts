/**
 * The V2 API's answer codes (docs/protocols/epay-v2.md#errors), as the 彩虹易支付 server answers them: 0 on success;
 * failures `{code, msg}` with -1 (the request cannot be served), -3 (the signature check: sign type, timestamp,
 * signature), -4 (nothing was posted), -5 (no such endpoint). HTTP status stays 200, as in the rest of this ecosystem.
 */
export const EPAY_V2_OK = 0;
export const EPAY_V2_FAIL = -1;
export const EPAY_V2_BAD_SIGN = -3;
export const EPAY_V2_NO_PARAMS = -4;
export const EPAY_V2_NO_METHOD = -5;

/** A V2 request that cannot be served; `code` and `message` are what the shop reads. */
export class EpayV2Error extends Error {
  constructor(
    message: string,
    readonly code: number = EPAY_V2_FAIL,
  ) {
    super(message);
    this.name = "EpayV2Error";
  }
}

/** The server's words for a signature that does not verify (its sign type, then `签名校验失败`). */
export const EPAY_V2_BAD_SIGN_MESSAGE = "RSA签名校验失败";

/** How far a request's `timestamp` may be from Paydesk's clock, either way (the server's 300 s). */
export const EPAY_V2_TIMESTAMP_WINDOW_S = 300;

export function epayV2Failure(err: EpayV2Error): { code: number; msg: string } {
  return { code: err.code, msg: err.message };
}
