import { describe, expect, it } from "vitest";
import { publicOrderViewSchema } from "@/lib/orders/public-order-view";
import { sandboxPayRequestSchema, statusQueryResponseSchema } from "@/lib/cashier/payer-dtos";
import * as w from "./wire-shape";

const view = {
  order_id: "A1",
  status: "pending",
  price: "1.00",
  pay_amount: "1.00",
  type: "alipay",
  expires_in: 300,
};

describe("wire shapes (the payer's DTOs without zod in the page)", () => {
  it("accepts the public view, keeps only declared keys, and optional keys stay absent", () => {
    const parsed = publicOrderViewSchema.safeParse({ ...view, appsecret: "leak", return_url: undefined });
    expect(parsed).toEqual({ success: true, data: view });
    expect(publicOrderViewSchema.parse({ ...view, type: null, settled: true })).toEqual({
      ...view,
      type: null,
      settled: true,
    });
  });

  it.each([
    ["a wrong enum", { ...view, status: "refunded" }, "status"],
    ["a string amount where a number goes", { ...view, expires_in: "300" }, "expires_in"],
    ["a missing key", { ...view, price: undefined }, "price"],
    ["settled other than true", { ...view, settled: false }, "settled"],
    ["not an object", [view], "(root)"],
  ])("refuses %s, naming where", (_name, value, where) => {
    const parsed = publicOrderViewSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.success ? "" : parsed.error).toContain(where);
    expect(() => publicOrderViewSchema.parse(value)).toThrow(w.ShapeError);
  });

  it("nests: the status query envelope names the inner path; string limits hold", () => {
    const bad = statusQueryResponseSchema.safeParse({ code: 100, msg: "ok", data: { ...view, type: "paypal" } });
    expect(bad.success ? "" : bad.error).toContain("data.type");
    expect(statusQueryResponseSchema.parse({ code: 104, msg: "无效的签名" })).toEqual({ code: 104, msg: "无效的签名" });
    expect(sandboxPayRequestSchema.safeParse({ order_id: "" }).success).toBe(false);
    expect(sandboxPayRequestSchema.safeParse({ order_id: "x".repeat(65) }).success).toBe(false);
    expect(sandboxPayRequestSchema.parse({ order_id: "abc" })).toEqual({ order_id: "abc" });
  });
});
