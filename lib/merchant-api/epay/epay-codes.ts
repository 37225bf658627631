/**
 * The epay protocol's answer codes (docs/protocols/epay.md#errors): `code` is the integer 1 on success (SSPanel checks
 * `=== 1`), -1 otherwise, with a Chinese `msg`. HTTP status stays 200, as in the rest of this ecosystem.
 */
export const EPAY_OK = 1;
export const EPAY_FAIL = -1;

/** An epay request that cannot be served; `message` is shown to the shop (JSON) or the payer (submit.php page). */
export class EpayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EpayError";
  }
}

/** The answer to a wrong signature; also to a signature Paydesk issued, one that already made an order, a re-split. */
export const EPAY_BAD_SIGN = "签名错误";

/** The failure envelope of mapi.php and api.php. */
export function epayFailure(msg: string): { code: typeof EPAY_FAIL; msg: string } {
  return { code: EPAY_FAIL, msg };
}
