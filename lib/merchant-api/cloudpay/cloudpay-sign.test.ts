import { describe, expect, it } from "vitest";
import {
  buildReturnUrl,
  closeSign,
  createSign,
  notifySign,
  orderLookupSign,
  recordsSign,
  returnSign,
  verifyNotifyForm,
} from "./cloudpay-sign";
import { md5, signaturesEqual } from "@/lib/crypto/digest";

// Every expected value below was computed outside Paydesk with coreutils, as
//   m(){ printf '%s' "$1" | md5sum | cut -d' ' -f1; }; I=$(m '<concatenated fields>'); m "${I}s1secret"
// with appkey k1 and appsecret s1secret.
describe("merchant protocol signatures (docs/protocols/cloudpay.md)", () => {
  it("md5 is lowercase hex of the UTF-8 bytes", () => {
    // printf '%s' '中文' | md5sum
    expect(md5("中文")).toBe("a7bac2239fcdcb3a067903d8077c4a07");
  });

  it("create: md5(md5(appkey+price+type+out_order_id+custom)+appsecret)", () => {
    // I=$(m 'k10.82alipay5cc75a6a0b418test_user'); m "${I}s1secret"
    expect(
      createSign(
        { appkey: "k1", price: "0.82", type: "alipay", out_order_id: "5cc75a6a0b418", custom: "test_user" },
        "s1secret",
      ),
    ).toBe("95559f211b98fa827abb0153d97ebd4a");
  });

  it("create signs the price string as received: 10 and 10.00 differ", () => {
    // I=$(m 'k110alipayA1'); m "${I}s1secret"   and   I=$(m 'k110.00alipayA1'); m "${I}s1secret"
    expect(createSign({ appkey: "k1", price: "10", type: "alipay", out_order_id: "A1", custom: "" }, "s1secret")).toBe(
      "ccdf8db980fb0ffd1c97fe1df055611e",
    );
    expect(
      createSign({ appkey: "k1", price: "10.00", type: "alipay", out_order_id: "A1", custom: "" }, "s1secret"),
    ).toBe("31dd6fec0a649bf86b8022040d627aca");
  });

  it("async notify: md5(md5(appkey+order_id+out_order_id+price+realprice+type+paytime+extend)+appsecret)", () => {
    // I=$(m 'k1ORD1A110.0010.00wxpay1795316704u9'); m "${I}s1secret"
    const fields = {
      order_id: "ORD1",
      out_order_id: "A1",
      price: "10.00",
      realprice: "10.00",
      type: "wxpay",
      paytime: "1795316704",
      extend: "u9",
    };
    expect(notifySign("k1", fields, "s1secret")).toBe("e43a7d724de959588b476872a6f4ca15");
  });

  it("verifies a received notify form, and refuses one with any field changed", () => {
    const form = {
      order_id: "ORD1",
      out_order_id: "A1",
      price: "10.00",
      realprice: "10.00",
      type: "wxpay",
      paytime: "1795316704",
      extend: "u9",
      sign: "e43a7d724de959588b476872a6f4ca15",
    };
    expect(verifyNotifyForm("k1", "s1secret", form)).toBe(true);
    expect(verifyNotifyForm("k1", "s1secret", { ...form, realprice: "1.00" })).toBe(false);
    expect(verifyNotifyForm("k1", "other", form)).toBe(false);
    const { sign: _sign, ...unsigned } = form;
    expect(verifyNotifyForm("k1", "s1secret", unsigned)).toBe(false);
  });

  it("sync return: md5(md5(appkey+price+type+product_id+order_id+out_order_id)+appsecret)", () => {
    // I=$(m 'k110.00wxpayu9ORD1A1'); m "${I}s1secret"
    const fields = { price: "10.00", type: "wxpay", product_id: "u9", order_id: "ORD1", out_order_id: "A1" };
    expect(returnSign("k1", fields, "s1secret")).toBe("c5b6c21b2d4bcf6883360021525fcf46");
    const url = new URL(buildReturnUrl("https://shop.example/ret?from=paydesk", "k1", "s1secret", fields));
    expect(url.searchParams.get("from")).toBe("paydesk");
    expect(url.searchParams.get("sign")).toBe("c5b6c21b2d4bcf6883360021525fcf46");
    expect(url.searchParams.get("product_id")).toBe("u9");
  });

  it("query keeps the 云端 form; close and records, Paydesk's own, carry their action word (issue 17)", () => {
    // I=$(m 'k1A1'); m "${I}s1secret"   (the vendor's query and /api/order/check)
    expect(orderLookupSign({ appkey: "k1", out_order_id: "A1" }, "s1secret")).toBe("f312b241ff3f9d6a75d6dc4864c32182");
    // I=$(m 'closek1A1'); m "${I}s1secret"
    expect(closeSign({ appkey: "k1", out_order_id: "A1" }, "s1secret")).toBe("597d6554364b9113c7f3d17142b2c1cc");
    // I=$(m 'recordsk1u9'); m "${I}s1secret"
    expect(recordsSign({ appkey: "k1", custom: "u9" }, "s1secret")).toBe("16702157b5591bcc5f90fbcceaf2d6e9");
    // So a query signature (in a shop's logs) neither closes the order nor lists a customer named like it.
    const query = orderLookupSign({ appkey: "k1", out_order_id: "A1" }, "s1secret");
    expect(closeSign({ appkey: "k1", out_order_id: "A1" }, "s1secret")).not.toBe(query);
    expect(recordsSign({ appkey: "k1", custom: "A1" }, "s1secret")).not.toBe(query);
  });

  it("compares signatures case-insensitively and rejects different lengths", () => {
    expect(signaturesEqual("e43a7d724de959588b476872a6f4ca15", "E43A7D724DE959588B476872A6F4CA15")).toBe(true);
    expect(signaturesEqual("e43a7d724de959588b476872a6f4ca15", "e43a7d724de959588b476872a6f4ca1")).toBe(false);
    expect(signaturesEqual("e43a7d724de959588b476872a6f4ca15", "e43a7d724de959588b476872a6f4ca16")).toBe(false);
    expect(signaturesEqual("abc", "")).toBe(false);
  });
});
