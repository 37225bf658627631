import { describe, expect, it } from "vitest";
import { gemafuSign } from "./gemafu-sign";

describe("gemafuSign", () => {
  it("matches md5 over ksorted key+value pairs plus the secret", () => {
    const data = {
      method: "PlaceOrder",
      m_id: 9999,
      m_oid: "ORD1",
      m_money: 1000,
      timestamp: 1700000000,
      b_url: "http://x/n",
      userid: "u1",
      appname: "shop",
    };
    // printf '%s' 'appnameshopb_urlhttp://x/nm_id9999m_money1000m_oidORD1methodPlaceOrdertimestamp1700000000useridu1abc' | md5sum
    expect(gemafuSign(data, "abc")).toBe("6037d5a87f9f4d5f09c1c9dd0e8c82a5");
  });
  it("includes empty values as bare keys (notify shape)", () => {
    const data = {
      orderid: 880000001,
      payid: 5000001,
      pubtime: 1700000100,
      m_oid: "ORD1",
      appname: "shop",
      money: 990,
      f_url: "",
      body: "",
    };
    // printf '%s' 'appnameshopbodyf_urlm_oidORD1money990orderid880000001payid5000001pubtime1700000100abc' | md5sum
    expect(gemafuSign(data, "abc")).toBe("cfb09d66c0f84a4ff9d7a6e0a52c355c");
  });
});
