import { describe, expect, it } from "vitest";
import { channelSchema } from "@/lib/providers/registry";

describe("gemafu/payjs/cloudpay channel config", () => {
  const base = { id: "c1", types: ["wxpay"] };
  it.each([
    [
      {
        ...base,
        provider: "gemafu",
        base_url: "https://fcapi.flexmuse.com/pay",
        m_id: 9999,
        secret_key: "s",
        appname: "shop",
      },
    ],
    [{ ...base, provider: "payjs", types: ["wxpay", "alipay"], base_url: "https://payjs.cn", mchid: "1", key: "k" }],
    [
      {
        ...base,
        provider: "cloudpay",
        types: ["alipay"],
        base_url: "https://cloud.example",
        appkey: "a",
        appsecret: "b",
      },
    ],
  ])("accepts a valid %o", (channel) => {
    expect(channelSchema.safeParse(channel).success).toBe(true);
  });
  it.each([
    [
      "m_id as a string",
      { ...base, provider: "gemafu", base_url: "https://x/pay", m_id: "9999", secret_key: "s", appname: "a" },
      "m_id",
    ],
    [
      "gemafu for alipay",
      {
        ...base,
        types: ["alipay"],
        provider: "gemafu",
        base_url: "https://x/pay",
        m_id: 1,
        secret_key: "s",
        appname: "a",
      },
      "types",
    ],
    [
      "payjs for qqpay",
      { ...base, types: ["qqpay"], provider: "payjs", base_url: "https://payjs.cn", mchid: "1", key: "k" },
      "types",
    ],
    ["payjs without key", { ...base, provider: "payjs", base_url: "https://payjs.cn", mchid: "1" }, "key"],
    [
      "cloudpay with a bad URL",
      { ...base, provider: "cloudpay", base_url: "cloud.example", appkey: "a", appsecret: "b" },
      "base_url",
    ],
    [
      "an unknown key",
      { ...base, provider: "cloudpay", base_url: "https://c.example", appkey: "a", appsecret: "b", extra: 1 },
      "",
    ],
  ])("rejects %s", (_name, channel, key) => {
    const parsed = channelSchema.safeParse(channel);
    expect(parsed.success).toBe(false);
    if (key) expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain(key);
  });
});
