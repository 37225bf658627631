import { describe, expect, it } from "vitest";
import { payjsSign } from "./payjs-sign";

describe("payjsSign", () => {
  it('drops empty and "0" values (PHP array_filter), sorts, appends &key=, uppercases', () => {
    const fields = {
      mchid: "123456",
      total_fee: "100",
      out_trade_no: "ORD1",
      body: "",
      attach: "0",
      notify_url: "http://x/n",
      type: "alipay",
    };
    // printf '%s' 'mchid=123456&notify_url=http://x/n&out_trade_no=ORD1&total_fee=100&type=alipay&key=KEY1' | md5sum | tr a-f A-F
    expect(payjsSign(fields, "KEY1")).toBe("60878E8E11B3AE16B98D59DCAED87DC5");
  });
  it("signs values unencoded as UTF-8, and drops 0/null/false like PHP", () => {
    const fields = { total_fee: 1, body: "测试", mchid: "123456", status: 0, attach: null, flag: false };
    // printf '%s' 'body=测试&mchid=123456&total_fee=1&key=KEY1' | md5sum | tr a-f A-F
    expect(payjsSign(fields, "KEY1")).toBe("6B35F5429D5456E07B127E2A5817D0C4");
  });
});
