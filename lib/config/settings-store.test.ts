import { describe, expect, it } from "vitest";
import { FIXTURE_SECRET, settingsFixture } from "@/test/support/settings-fixture";
import {
  diffSettings,
  exportSettings,
  saveSettingsDocument,
  splitSettingsSource,
  validateSettings,
  type SaveOutcome,
  type SettingsChange,
  type SettingsRepoPort,
  type StoredSettings,
} from "./settings-store";

/** The repository's contract in memory (lib/storage/settings-repo.test.ts checks the real one on both databases). */
function memoryRepo(): SettingsRepoPort & { row?: StoredSettings; audit: SettingsChange[] } {
  const repo: SettingsRepoPort & { row?: StoredSettings; audit: SettingsChange[] } = {
    audit: [],
    async readSettings() {
      return repo.row && { ...repo.row, document: JSON.parse(JSON.stringify(repo.row.document)) as unknown };
    },
    async readSettingsVersion() {
      return repo.row?.version ?? 0;
    },
    async saveSettings(change): Promise<SaveOutcome> {
      const current = repo.row?.version ?? 0;
      if (current !== change.expectedVersion) return { ok: false, reason: "conflict", currentVersion: current };
      repo.row = { version: current + 1, document: change.document, updatedAt: change.at, updatedBy: change.user };
      repo.audit.push(change);
      return { ok: true, version: current + 1 };
    },
  };
  return repo;
}

const req = (json: unknown, expectedVersion: number) => ({
  json,
  expectedVersion,
  user: "alice",
  action: "console",
  at: 1,
  source: "database" as const,
});

describe("settings store", () => {
  it("validates with the file's schema and safety rules, naming the key", () => {
    expect(validateSettings(settingsFixture()).ok).toBe(true);
    const short = {
      ...settingsFixture(),
      merchants: [{ ...settingsFixture().merchants[0], appsecret: "short-secret" }],
    };
    expect(validateSettings(short)).toEqual({
      ok: false,
      problems: ['settings: merchants.0.appsecret: merchant "k1": appsecret must be at least 32 characters'],
    });
    const badUrl = { ...settingsFixture(), merchants: [{ ...settingsFixture().merchants[0], notify_url: "ftp://x" }] };
    const bad = validateSettings(badUrl);
    expect(bad.ok ? [] : bad.problems).toEqual(["settings: merchants.0.notify_url: must be an http(s) URL"]);
    const unknownChannel = {
      ...settingsFixture(),
      merchants: [{ ...settingsFixture().merchants[0], channels: ["nope"] }],
    };
    const unknown = validateSettings(unknownChannel);
    expect(unknown.ok ? [] : unknown.problems).toContain('settings: merchants.0.channels.0: unknown channel "nope"');
  });

  it("diffs by readable paths and never shows a secret", () => {
    const before = settingsFixture();
    const after = settingsFixture();
    after.merchants[0]!.appsecret = "n".repeat(40);
    after.merchants[0]!.name = "Renamed";
    after.merchants[0]!.epay = undefined;
    const diff = diffSettings(before, after);
    expect(diff).toEqual([
      "~ merchants[k1].appsecret: (secret changed)",
      '~ merchants[k1].name: "Test Shop" → "Renamed"',
      '- merchants[k1].epay.pid: "1000"',
      "- merchants[k1].epay.key: (secret)",
      "- merchants[k1].epay.allowed_hosts: []",
    ]);
    const all = diffSettings(undefined, before).join("\n");
    expect(all).toContain("+ channels[sandbox].key: (secret)");
    expect(all).not.toContain("- ");
    expect(all).not.toContain(FIXTURE_SECRET);
    expect(all).not.toContain("sandbox-key-for-tests");
    expect(diffSettings(before, settingsFixture())).toEqual([]);
  });

  it("saves once per version: the second of two saves from one version is refused whole", async () => {
    const repo = memoryRepo();
    const published: number[] = [];
    const publish = async (v: number) => void published.push(v);
    expect(await saveSettingsDocument(repo, publish, req(settingsFixture(), 0))).toMatchObject({
      ok: true,
      version: 1,
    });
    const a = { ...settingsFixture(), demo_shop: true };
    const b = { ...settingsFixture(), limits: { ...settingsFixture().limits, payer_per_ip_per_minute: 7 } };
    expect(await saveSettingsDocument(repo, publish, req(a, 1))).toMatchObject({ ok: true, version: 2 });
    expect(await saveSettingsDocument(repo, publish, req(b, 1))).toEqual({
      ok: false,
      reason: "conflict",
      currentVersion: 2,
    });
    expect(repo.row!.document).toEqual(a);
    expect(published).toEqual([1, 2]);
    expect(repo.audit.map((c) => c.diff)).toEqual([expect.any(Array), ["~ demo_shop: false → true"]]);
    // Invalid or read-only: nothing written, nothing announced.
    const invalid = await saveSettingsDocument(repo, publish, req({ merchants: [] }, 2));
    expect(invalid).toMatchObject({ ok: false, reason: "invalid" });
    const readOnly = await saveSettingsDocument(repo, publish, { ...req(b, 2), source: "file" });
    expect(readOnly).toMatchObject({ ok: false, reason: "read-only" });
    expect(repo.row!.version).toBe(2);
    expect(published).toEqual([1, 2]);
    // The same document again changes nothing.
    expect(await saveSettingsDocument(repo, publish, req(a, 2))).toMatchObject({
      ok: true,
      version: 2,
      unchanged: true,
    });
  });

  it("export → import is the identity", async () => {
    const repo = memoryRepo();
    const publish = async () => undefined;
    const doc = settingsFixture({ demo_shop: true });
    await saveSettingsDocument(repo, publish, req(doc, 0));
    const exported = exportSettings((await repo.readSettings())!.document as typeof doc);
    const file = splitSettingsSource(JSON.parse(exported));
    expect(file.source).toBeUndefined();
    const valid = validateSettings(file.json);
    expect(valid.ok && valid.document).toEqual(doc);
    expect(diffSettings((await repo.readSettings())!.document, file.json)).toEqual([]);
    expect(await saveSettingsDocument(repo, publish, req(file.json, 1))).toMatchObject({ unchanged: true, version: 1 });
    expect(exportSettings(valid.ok ? valid.document : doc)).toBe(exported);
  });

  it("splits settings_source off a file", () => {
    expect(splitSettingsSource({ settings_source: "database", demo_shop: true })).toEqual({
      json: { demo_shop: true },
      source: "database",
    });
    expect(splitSettingsSource([1])).toEqual({ json: [1], source: undefined });
  });
});
