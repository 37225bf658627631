import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { channelSchema, PROVIDER_SCHEMAS, providerFor, type ChannelConfig } from "@/lib/providers/registry";
import type { ProviderDeps } from "@/lib/providers/types";

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

describe("the registry and the schema list", () => {
  it("pairs every schema of the channel-config union with the provider that carries that very schema", () => {
    const names = channelSchema.options.map((o) => o.shape.provider.value);
    expect(Object.keys(PROVIDER_SCHEMAS).sort()).toEqual([...names].sort());
    for (const option of channelSchema.options) {
      expect(PROVIDER_SCHEMAS[option.shape.provider.value]).toBe(option);
    }
  });

  it("refuses a channel whose provider it does not know, including Object.prototype's names", () => {
    const deps = { fetch } as unknown as ProviderDeps;
    for (const provider of ["nope", "toString", "__proto__"]) {
      const channel = { id: "x", provider, types: ["wxpay"] } as unknown as ChannelConfig;
      expect(() => providerFor(channel, deps)).toThrow(`no provider named ${provider}`);
    }
  });

  it("config-schemas.ts imports only zod and the providers' config.ts files (lib/config loads no provider code)", () => {
    const text = fs.readFileSync(path.join(__dirname, "config-schemas.ts"), "utf8");
    const specs = [...text.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    expect(specs.length).toBeGreaterThan(1);
    for (const spec of specs) expect(spec).toMatch(/^(zod|@\/lib\/providers\/[^/]+\/config)$/);
  });
});
