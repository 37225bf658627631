import { describe, expect, it } from "vitest";
import { epaySign, epaySignString, verifyEpaySign } from "./epay-sign";

// Expected digests computed outside Paydesk with coreutils: m(){ printf '%s' "$1" | md5sum | cut -d' ' -f1; }
const KEY = "0123456789abcdef0123456789abcdef";
const base = {
  pid: "1000",
  type: "alipay",
  out_trade_no: "A1",
  notify_url: "http://shop.example/n",
  return_url: "http://shop.example/r",
  name: "VIP",
  money: "10",
};

describe("epay signature (docs/protocols/epay.md#signatures)", () => {
  it("sorts keys, joins k=v with raw values, appends the key directly; sign and sign_type are not signed", () => {
    expect(epaySignString({ ...base, sign: "x", sign_type: "MD5" }, KEY, false)).toBe(
      `money=10&name=VIP&notify_url=http://shop.example/n&out_trade_no=A1&pid=1000&return_url=http://shop.example/r&type=alipay${KEY}`,
    );
    // m 'money=10&name=VIP&notify_url=http://shop.example/n&out_trade_no=A1&pid=1000&return_url=http://shop.example/r&type=alipay<KEY>'
    expect(epaySign(base, KEY)).toBe("ffda54486fe9ba69b3060e27c752296d");
  });

  it("signs money exactly as received: 10 and 10.00 differ", () => {
    expect(epaySign({ ...base, money: "10.00" }, KEY)).toBe("c58891bc3c06a0b7546062eaef653000");
  });

  it("accepts a signature made with the empty fields (v2board, SSPanel) and one made without (SDK, dujiaoka)", () => {
    const params = { ...base, param: "" };
    // …&out_trade_no=A1&param=&pid=1000&… signed with the empty field
    expect(verifyEpaySign({ ...params, sign: "bbf6c095e2f9c04ff60b9b6f361010ba" }, KEY)).toBe(true);
    expect(verifyEpaySign({ ...params, sign: "ffda54486fe9ba69b3060e27c752296d" }, KEY)).toBe(true);
    expect(verifyEpaySign({ ...params, sign: "FFDA54486FE9BA69B3060E27C752296D" }, KEY)).toBe(true);
  });

  it("refuses a changed field, another key, a missing sign", () => {
    expect(verifyEpaySign({ ...base, money: "1", sign: "ffda54486fe9ba69b3060e27c752296d" }, KEY)).toBe(false);
    expect(verifyEpaySign({ ...base, sign: "ffda54486fe9ba69b3060e27c752296d" }, KEY.replace("0", "1"))).toBe(false);
    expect(verifyEpaySign(base, KEY)).toBe(false);
  });

  it("orders keys by bytes, like PHP ksort", () => {
    // 'Z' (0x5a) sorts before 'a' (0x61); m 'Z=2&a=1<KEY>' is not asserted, the string is.
    expect(epaySignString({ a: "1", Z: "2", _: "3" }, "", false)).toBe("Z=2&_=3&a=1");
    // m 'a=1&b=2<KEY>'
    expect(epaySign({ b: "2", a: "1" }, KEY)).toBe("a86817278dadba8cd5fd444caa9d94af");
  });
});
