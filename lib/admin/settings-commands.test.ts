import { describe, expect, it } from "vitest";
import { useTestContext } from "@/test/support/databases";
import { FIXTURE_SECRET, settingsFixture } from "@/test/support/settings-fixture";
import { exportConfig, importConfig } from "./settings-commands";

describe("export-config / import-config", () => {
  const ctx = useTestContext();
  const yes = { user: "cli:test", confirm: async () => true };

  it('is refused while settings_source is "file"', async () => {
    ctx.config = { ...ctx.config, settingsSource: "file" };
    const result = await importConfig(ctx, settingsFixture(), yes);
    expect(result).toEqual({ ok: false, lines: [expect.stringContaining('settings_source is "file"')] });
    expect(await ctx.repos.settings.readSettings()).toBeUndefined();
  });

  it("shows the diff with secrets masked, applies only once confirmed, and export → import is the identity", async () => {
    ctx.config = { ...ctx.config, settingsSource: "database", fileDocument: settingsFixture() };
    // Nothing stored yet: the export is the file's document.
    const fromFile = await exportConfig(ctx);
    expect(fromFile.ok && JSON.parse(fromFile.text)).toEqual(settingsFixture());

    const heard: number[] = [];
    ctx.events.subscribe((e) => {
      if (e.type === "settings.changed") heard.push(e.version);
    });
    const wanted = settingsFixture({ demo_shop: true });
    let shown: string[] = [];
    const declined = await importConfig(
      ctx,
      { settings_source: "database", ...wanted },
      {
        user: "cli:test",
        confirm: async (diff) => {
          shown = diff;
          return false;
        },
      },
    );
    expect(declined).toEqual({ ok: false, lines: ["not applied"] });
    expect(shown).toContain("+ merchants[k1].appsecret: (secret)");
    expect(shown.join("\n")).not.toContain(FIXTURE_SECRET);
    expect(await ctx.repos.settings.readSettings()).toBeUndefined();

    expect(await importConfig(ctx, wanted, yes)).toEqual({
      ok: true,
      lines: [expect.stringMatching(/^applied: settings v1 /)],
    });
    expect(heard).toEqual([1]);
    const exported = await exportConfig(ctx);
    if (!exported.ok) throw new Error(exported.message);
    expect(JSON.parse(exported.text)).toEqual(wanted);
    // Importing what was exported changes nothing and writes no version.
    expect(await importConfig(ctx, JSON.parse(exported.text), yes)).toEqual({
      ok: true,
      lines: ["no changes (settings v1)"],
    });
    expect((await ctx.repos.settings.readSettings())!.version).toBe(1);
    const again = await exportConfig(ctx);
    expect(again.ok && again.text).toBe(exported.text);

    const bad = await importConfig(ctx, { ...wanted, channels: [] }, yes);
    expect(bad.ok).toBe(false);
    expect(bad.lines[0]).toMatch(/^import: channels/);
    const audit = await ctx.repos.settings.listSettingsAudit();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ version: 1, user: "cli:test", action: "import-config" });
  });

  it("refuses an import whose base moved on while it was being confirmed", async () => {
    const next = settingsFixture({ demo_shop: false });
    const result = await importConfig(ctx, next, {
      user: "cli:test",
      confirm: async () => {
        // A console save lands while the operator reads the diff.
        await ctx.repos.settings.saveSettings({
          expectedVersion: 1,
          document: settingsFixture({ demo_shop: true, limits: { ...next.limits, payer_per_ip_per_minute: 9 } }),
          at: 2,
          user: "bob",
          action: "console",
          diff: [],
        });
        return true;
      },
    });
    expect(result).toEqual({ ok: false, lines: ["refused: the settings changed meanwhile (now v2); run it again"] });
    expect((await ctx.repos.settings.readSettings())!.updatedBy).toBe("bob");
  });
});
