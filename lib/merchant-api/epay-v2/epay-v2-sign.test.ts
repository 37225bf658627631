import { createSign, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { epayV2MerchantSchema } from "./epay-v2-merchant-config";
import { bareBase64Of, epayV2Sign, epayV2SignString, parseRsaPublicKey, verifyEpayV2Sign } from "./epay-v2-sign";

const shop = generateKeyPairSync("rsa", { modulusLength: 2048 });

describe("epay V2 signing (docs/protocols/epay.md#v2-signatures)", () => {
  it("signs the non-empty fields but sign/sign_type, ASCII-sorted, raw values", () => {
    const s = epayV2SignString({ pid: "1000", money: "1.00", Zed: "z", param: "", sign: "x", sign_type: "RSA" });
    expect(s).toBe("Zed=z&money=1.00&pid=1000");
  });

  it("verifies a signature made the way a shop's SDK makes it (SHA256withRSA, base64)", () => {
    const params = { pid: "1000", out_trade_no: "A1", money: "1.00", timestamp: "1764862000" };
    const sign = createSign("RSA-SHA256")
      .update("money=1.00&out_trade_no=A1&pid=1000&timestamp=1764862000")
      .sign(shop.privateKey, "base64");
    expect(verifyEpayV2Sign(params, sign, shop.publicKey)).toBe(true);
    expect(epayV2Sign(params, shop.privateKey)).toBe(sign);
    // A form body that did not percent-encode `+` still verifies; a changed field does not.
    expect(verifyEpayV2Sign(params, sign.replace(/\+/g, " "), shop.publicKey)).toBe(true);
    expect(verifyEpayV2Sign({ ...params, money: "0.01" }, sign, shop.publicKey)).toBe(false);
    expect(verifyEpayV2Sign(params, "not base64!", shop.publicKey)).toBe(false);
  });

  it("accepts an RSA public key as PEM or bare base64, refuses other key types and short moduli", () => {
    const pem = shop.publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(typeof parseRsaPublicKey(pem)).not.toBe("string");
    expect(typeof parseRsaPublicKey(bareBase64Of(shop.publicKey))).not.toBe("string");
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" });
    expect(parseRsaPublicKey(ec.toString())).toMatch(/RSA/);
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" });
    expect(parseRsaPublicKey(small.toString())).toMatch(/2048/);
    expect(epayV2MerchantSchema.safeParse({ pid: "1000", public_key: "garbage" }).success).toBe(false);
    expect(epayV2MerchantSchema.safeParse({ pid: "1000", public_key: pem }).success).toBe(true);
  });
});
