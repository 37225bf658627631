import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { T0 } from "@/test/support/order-fixture";
import { runInTransaction } from "./repositories";
import { listSettingsAudit, readSettings, readSettingsVersion, saveSettings } from "./settings-repo";
import { settingsFixture } from "@/test/support/settings-fixture";

describeOnDatabases("settings repository", (dialect) => {
  const h = useTestDatabase(dialect);

  it("saves by compare-and-swap on the version, with one audit row per committed change", async () => {
    expect(await readSettings(h.db)).toBeUndefined();
    expect(await readSettingsVersion(h.db)).toBe(0);
    const doc = settingsFixture();
    const change = { document: doc, at: T0, user: "alice", action: "console", diff: ["+ demo_shop: false"] };
    expect(await saveSettings(h.db, { ...change, expectedVersion: 0 })).toEqual({ ok: true, version: 1 });
    // A second first save (another instance importing its file at the same time) is refused, not merged.
    expect(await saveSettings(h.db, { ...change, expectedVersion: 0, user: "bob" })).toEqual({
      ok: false,
      reason: "conflict",
      currentVersion: 1,
    });
    const renamed = { ...doc, demo_shop: true };
    const [a, b] = await Promise.all([
      saveSettings(h.db, { ...change, document: renamed, expectedVersion: 1, user: "alice" }),
      saveSettings(h.db, { ...change, document: renamed, expectedVersion: 1, user: "bob" }),
    ]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect([a, b].filter((r) => !r.ok)).toEqual([{ ok: false, reason: "conflict", currentVersion: 2 }]);
    const stored = (await readSettings(h.db))!;
    expect(stored).toMatchObject({ version: 2, updatedAt: T0 });
    expect(stored.document).toEqual(renamed);
    const audit = await listSettingsAudit(h.db);
    expect(audit.map((r) => [r.version, r.user])).toEqual([
      [2, a.ok ? "alice" : "bob"],
      [1, "alice"],
    ]);
    expect(audit[1]!.diff).toEqual(["+ demo_shop: false"]);
  });

  it("joins the caller's transaction: a rollback takes the document and its audit row back together", async () => {
    const before = await readSettingsVersion(h.db);
    const auditBefore = (await listSettingsAudit(h.db)).length;
    const failed = runInTransaction(h.db, async (tx) => {
      expect(
        await tx.settings.saveSettings({
          expectedVersion: before,
          document: settingsFixture(),
          at: T0 + 1,
          user: "carol",
          action: "console",
          diff: [],
        }),
      ).toEqual({ ok: true, version: before + 1 });
      throw new Error("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    expect(await readSettingsVersion(h.db)).toBe(before);
    expect(await listSettingsAudit(h.db)).toHaveLength(auditBefore);
  });
});
