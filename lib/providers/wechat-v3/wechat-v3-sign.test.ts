import { createCipheriv, createPrivateKey, createPublicKey, createVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { wechatTestKeys as K } from "@/test/support/emulators";
import { authorization, decryptResource, verifyWechatSignature } from "./wechat-v3-sign";

const KEY = "0123456789abcdefghijABCDEFGHIJ01";

describe("wechat-v3 signatures", () => {
  it("signs METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nBODY\\n into the documented Authorization header", () => {
    const header = authorization(
      {
        method: "GET",
        pathAndQuery: "/v3/pay/transactions/out-trade-no/ORDER1?mchid=1900000001",
        body: "",
        mchid: "1900000001",
        serialNo: K.WECHAT_TEST_MERCHANT_SERIAL,
        key: createPrivateKey(K.WECHAT_TEST_MERCHANT_PRIVATE_KEY),
      },
      1796000000,
      "593BEC0C930BF1AFEB40B4A08C8FB242",
    );
    const m =
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="([^"]+)",timestamp="1796000000",serial_no="3775B6A45ACD588826D15E583A95F5DD"$/.exec(
        header,
      );
    expect(m).not.toBeNull();
    const message =
      "GET\n/v3/pay/transactions/out-trade-no/ORDER1?mchid=1900000001\n1796000000\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n";
    const ok = createVerify("RSA-SHA256").update(message).verify(K.WECHAT_TEST_MERCHANT_CERT, m![1]!, "base64");
    expect(ok).toBe(true);
  });

  it("verifies answers over TIMESTAMP\\nNONCE\\nBODY\\n and refuses garbage signatures", () => {
    const pub = createPublicKey(K.WECHAT_TEST_PUBKEY);
    expect(verifyWechatSignature(pub, "1", "n", "{}", "not base64 at all")).toBe(false);
    // WeChat Pay's signature probes start with WECHATPAY/SIGNTEST/ and must never verify.
    expect(verifyWechatSignature(pub, "1", "n", "{}", "WECHATPAY/SIGNTEST/abc")).toBe(false);
  });

  it("decrypts AEAD_AES_256_GCM resources and refuses a changed byte, nonce or associated_data", () => {
    const nonce = "fdasflkja484";
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(KEY), Buffer.from(nonce));
    cipher.setAAD(Buffer.from("transaction"));
    const data = Buffer.concat([cipher.update('{"ok":1}'), cipher.final(), cipher.getAuthTag()]);
    const resource = { ciphertext: data.toString("base64"), nonce, associated_data: "transaction" };
    expect(decryptResource(Buffer.from(KEY), resource)).toBe('{"ok":1}');
    const flipped = Buffer.from(data);
    flipped[0]! ^= 1;
    expect(decryptResource(Buffer.from(KEY), { ...resource, ciphertext: flipped.toString("base64") })).toBeNull();
    expect(decryptResource(Buffer.from(KEY), { ...resource, nonce: "fdasflkja485" })).toBeNull();
    expect(decryptResource(Buffer.from(KEY), { ...resource, associated_data: "refund" })).toBeNull();
    expect(decryptResource(Buffer.from(KEY), { ...resource, ciphertext: "AAAA" })).toBeNull();
  });
});
