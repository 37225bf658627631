import { describe, expect, it } from "vitest";
import { ORDER_ERROR_TEXT, OrderError, type OrderErrorKind } from "@/lib/orders/order-errors";
import { cloudpayErrorFor } from "./cloudpay/cloudpay-order-errors";
import { epayErrorFor } from "./epay/epay-order-errors";
import { vmqErrorFor } from "./vmq/vmq-order-errors";

const KINDS = Object.keys(ORDER_ERROR_TEXT) as OrderErrorKind[];
const FULL = "V免签：3 个付款金额均被占用（订单超出负荷）";

/**
 * Each protocol answers every order-service failure from its one table, in the words its shops have always read
 * (these are the answers the order service's former 云端 codes produced, so no shop sees a change).
 */
describe("each merchant API answers every OrderError kind", () => {
  it("云端: the code, and the seed's message with the reason or the domain's words", () => {
    const answers = KINDS.map((kind) => {
      const e = cloudpayErrorFor(new OrderError(kind, kind === "channels-full" ? FULL : ""));
      return [kind, e.code, e.message];
    });
    expect(answers).toEqual([
      ["type-not-served", 203, "当前支付方式已关闭"],
      ["channel-unavailable", 204, "无可用支付方式"],
      ["channels-full", 204, `无可用支付方式: ${FULL}`],
      ["upstream-failed", 208, "队列创建错误"],
      ["quota-exceeded", 110, "套餐已超额"],
      ["duplicate-with-other-fields", 199, "未知错误: 商户订单号已存在"],
      ["still-creating", 199, "未知错误: 订单创建中，请稍后重试"],
      ["signature-used", 104, "无效的签名: 该签名已用于另一笔订单"],
    ]);
    expect(cloudpayErrorFor(new OrderError("upstream-failed", "PAYJS：超时")).message).toBe(
      "队列创建错误: PAYJS：超时",
    );
  });

  it("epay: the message its clients show (a bad sign for a used signature)", () => {
    expect(epayErrorFor(new OrderError("signature-used")).message).toBe("签名错误：该签名已用于另一笔订单");
    expect(epayErrorFor(new OrderError("duplicate-with-other-fields")).message).toBe("未知错误: 商户订单号已存在");
    expect(epayErrorFor(new OrderError("channels-full", FULL)).message).toBe(`无可用支付方式: ${FULL}`);
    expect(epayErrorFor(new OrderError("upstream-failed", "PAYJS：超时")).message).toBe("队列创建错误: PAYJS：超时");
  });

  it("V免签: vmqphp's own words for a monitor offline, a full channel and a bad sign, by kind (no message matching)", () => {
    expect(vmqErrorFor(new OrderError("channel-unavailable")).message).toBe("监控端状态异常，请检查监控端是否在线");
    expect(vmqErrorFor(new OrderError("channels-full", FULL)).message).toBe("订单超出负荷，请稍后重试");
    expect(vmqErrorFor(new OrderError("signature-used")).message).toBe("签名校验不通过");
    expect(vmqErrorFor(new OrderError("duplicate-with-other-fields")).message).toBe("商户订单号已存在");
    expect(vmqErrorFor(new OrderError("still-creating")).message).toBe("订单创建中，请稍后重试");
    expect(vmqErrorFor(new OrderError("quota-exceeded")).message).toBe("套餐已超额");
  });

  it("every kind has an answer in every protocol", () => {
    for (const kind of KINDS) {
      for (const answer of [cloudpayErrorFor, epayErrorFor, vmqErrorFor]) {
        expect(answer(new OrderError(kind)).message, `${answer.name} ${kind}`).not.toBe("");
      }
    }
  });
});
