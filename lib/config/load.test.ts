import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load";

function withConfig(json: unknown, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-config-"));
  const file = path.join(dir, "paydesk.config.json");
  fs.writeFileSync(file, typeof json === "string" ? json : JSON.stringify(json));
  return () => loadConfig({ PAYDESK_CONFIG: file, PAYDESK_DATABASE_URL: `file:${dir}/p.db`, ...env });
}

const SECRET = "s1secret-long-enough-for-a-real-config";
const good = {
  merchants: [
    {
      appkey: "k1",
      appsecret: SECRET,
      name: "Shop",
      notify_url: "https://s.example/n",
      return_url: "https://s.example/r",
      channels: ["sb"],
    },
  ],
  channels: [{ id: "sb", provider: "sandbox", types: ["alipay"], key: "sb-key" }],
};
const realChannel = {
  id: "pj",
  provider: "payjs",
  types: ["wxpay"],
  base_url: "https://payjs.example",
  mchid: "1",
  key: "k",
};

describe("configuration", () => {
  it("without a config file serves the demo merchant on the sandbox", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-config-"));
    // Demo mode is the default path being absent (PAYDESK_CONFIG not set).
    const c = loadConfig({ PAYDESK_DATABASE_URL: `file:${dir}/p.db`, PORT: "3456" }, path.join(dir, "absent.json"));
    expect(c.demo).toBe(true);
    expect(c.baseUrl).toBe("http://localhost:3456");
    expect(c.merchants[0]).toMatchObject({
      appkey: "demo",
      notify_url: "http://localhost:3456/demo/notify",
      channels: ["sandbox"],
    });
    // A session secret is generated once and kept beside the database.
    expect(c.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ PAYDESK_DATABASE_URL: `file:${dir}/p.db` }, path.join(dir, "absent.json")).sessionSecret).toBe(
      c.sessionSecret,
    );
  });

  it("applies defaults from docs/contract.md#configuration-file", () => {
    const c = withConfig(good, { PAYDESK_BASE_URL: "https://pay.example/" })();
    expect(c.demo).toBe(false);
    expect(c.baseUrl).toBe("https://pay.example");
    expect(c.merchants[0]).toMatchObject({
      order_ttl_seconds: 300,
      rotation: "smart",
      late_grace_seconds: 600,
      embed_origins: [],
    });
  });

  it.each([
    [
      "a TTL out of range",
      { ...good, merchants: [{ ...good.merchants[0], order_ttl_seconds: 30 }] },
      /merchants\.0\.order_ttl_seconds/,
    ],
    [
      "an unknown rotation",
      { ...good, merchants: [{ ...good.merchants[0], rotation: "roundrobin" }] },
      /merchants\.0\.rotation/,
    ],
    [
      "an unknown channel reference",
      { ...good, merchants: [{ ...good.merchants[0], channels: ["nope"] }] },
      /merchants\.0\.channels\.0: unknown channel "nope"/,
    ],
    [
      "an unknown provider",
      { ...good, channels: [{ id: "sb", provider: "paypal", types: ["alipay"] }] },
      /channels\.0\.provider/,
    ],
    [
      "an unknown pay type",
      { ...good, channels: [{ id: "sb", provider: "sandbox", types: ["unionpay"] }] },
      /channels\.0\.types\.0/,
    ],
    [
      "a merchant mixing the sandbox with a real channel",
      {
        ...good,
        merchants: [{ ...good.merchants[0], channels: ["sb", "pj"] }],
        channels: [...good.channels, realChannel],
      },
      /merchants\.0\.channels: merchant "k1" mixes the sandbox \(sb\) with real channels \(pj\)/,
    ],
    [
      "a sandbox channel without a key",
      { ...good, channels: [{ id: "sb", provider: "sandbox", types: ["alipay"] }] },
      /channels\.0\.key: sandbox channel "sb" needs an explicit key/,
    ],
    [
      "a short appsecret",
      { ...good, merchants: [{ ...good.merchants[0], appsecret: "s1secret" }] },
      /merchants\.0\.appsecret: merchant "k1": appsecret must be at least 32/,
    ],
    [
      "a javascript: return URL",
      { ...good, merchants: [{ ...good.merchants[0], return_url: "javascript:alert(1)" }] },
      /merchants\.0\.return_url/,
    ],
    ["a bad limit", { ...good, limits: { max_body_bytes: 10 } }, /limits\.max_body_bytes/],
    ["a misspelt key", { ...good, merchants: [{ ...good.merchants[0], notifyurl: "x" }] }, /merchants\.0.*notifyurl/],
    [
      "a bad notify URL",
      { ...good, merchants: [{ ...good.merchants[0], notify_url: "ftp://x" }] },
      /merchants\.0\.notify_url/,
    ],
    [
      "a bad hours rule",
      { ...good, channels: [{ id: "sb", provider: "sandbox", types: ["alipay"], rules: { hours: ["8-23"] } }] },
      /channels\.0\.rules\.hours\.0/,
    ],
    [
      "duplicate appkeys",
      { ...good, merchants: [good.merchants[0], good.merchants[0]] },
      /merchants\.1\.appkey: duplicate appkey/,
    ],
  ])("names the key for %s", (_name, json, pattern) => {
    const load = withConfig(json);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(pattern);
  });

  it("refuses a set PAYDESK_CONFIG that cannot be read, naming the path, instead of starting the demo", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-config-"));
    const missing = path.join(dir, "paydesk.confg.json");
    const load = () => loadConfig({ PAYDESK_CONFIG: missing, PAYDESK_DATABASE_URL: `file:${dir}/p.db` });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`PAYDESK_CONFIG: cannot read ${missing.replace(/[.\\/]/g, "\\$&")} \\(ENOENT\\)`));
    // A directory is unreadable as a file too.
    expect(() => loadConfig({ PAYDESK_CONFIG: dir, PAYDESK_DATABASE_URL: `file:${dir}/p.db` })).toThrow(/cannot read/);
  });

  it("a sandbox-only merchant is allowed; the demo keeps its published key; limits and metrics token have defaults", () => {
    const c = withConfig(good, { PAYDESK_METRICS_TOKEN: "t".repeat(20) })();
    expect(c.limits).toMatchObject({ max_body_bytes: 65_536, failed_signs_per_ip_per_minute: 30 });
    expect(c.metricsToken).toBe("t".repeat(20));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-config-"));
    const demo = loadConfig({ PAYDESK_DATABASE_URL: `file:${dir}/p.db` }, path.join(dir, "absent.json"));
    expect(demo.channels[0]).toMatchObject({ provider: "sandbox", key: "sandbox" });
    expect(demo.metricsToken).toBeUndefined();
  });

  it("reports invalid JSON and bad environment values", () => {
    expect(withConfig("{ not json")).toThrow(/not valid JSON/);
    expect(withConfig(good, { PORT: "seventy" })).toThrow(/environment: PORT/);
    expect(withConfig(good, { PAYDESK_DATABASE_URL: "mysql://x" })).toThrow(/PAYDESK_DATABASE_URL/);
    expect(withConfig(good, { PAYDESK_SESSION_SECRET: "short" })).toThrow(/PAYDESK_SESSION_SECRET/);
  });
});
