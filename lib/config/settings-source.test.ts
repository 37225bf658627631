import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { settingsFixture } from "@/test/support/settings-fixture";
import { loadConfig, withSettings } from "./load";

function load(json: unknown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-config-"));
  const file = path.join(dir, "paydesk.config.json");
  fs.writeFileSync(file, JSON.stringify(json));
  return () => loadConfig({ PAYDESK_CONFIG: file, PAYDESK_DATABASE_URL: `file:${dir}/p.db` });
}

describe("settings_source in the config file", () => {
  it('defaults to "file" with a file, keeps the parsed file for the first import, and is "database" without one', () => {
    const config = load(settingsFixture())();
    expect(config.settingsSource).toBe("file");
    expect(config.fileDocument).toEqual(settingsFixture());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-config-"));
    const demo = loadConfig({ PAYDESK_DATABASE_URL: `file:${dir}/p.db` }, path.join(dir, "absent.json"));
    expect(demo).toMatchObject({ demo: true, settingsSource: "database" });
    expect(demo.fileDocument).toBeUndefined();
  });

  it('accepts "database", refuses anything else naming the key', () => {
    const config = load({ settings_source: "database", ...settingsFixture() })();
    expect(config.settingsSource).toBe("database");
    expect(config.fileDocument).toEqual(settingsFixture());
    expect(load({ settings_source: "db", ...settingsFixture() })).toThrow(
      /settings_source: must be "file" or "database"/,
    );
  });

  it("a stored document replaces the file's settings, never the environment's", () => {
    const config = load(settingsFixture())();
    const doc = settingsFixture({ demo_shop: true });
    doc.merchants[0]!.name = "From the database";
    const live = withSettings(config, doc, 7);
    expect(live).toMatchObject({
      demoShop: true,
      settingsVersion: 7,
      databaseUrl: config.databaseUrl,
      port: config.port,
    });
    expect(live.merchants[0]!.name).toBe("From the database");
    expect(live.sessionSecret).toBe(config.sessionSecret);
  });
});
