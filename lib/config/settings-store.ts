import { isSecretSetting } from "./secret-settings";
import "server-only";
import { z } from "zod";
import { safetyIssues } from "./safety";
import { configFileSchema, type ConfigFile } from "./schema";

/**
 * The settings document kept in the database (docs/contract.md#settings-source): the config file's keys (merchants,
 * channels, limits, console users, alerts, demo_shop), validated by the file's own schema and safety rules
 * (lib/config/schema.ts, lib/config/safety.ts) so a setting the start refuses is refused on save too. What stays in
 * the environment (database URL, session secret, port, base URL, metrics token) is what is needed before the
 * database can be opened or what protects the database itself, so it cannot live in it; `settings_source` stays in
 * the file because it decides whether the file or the database is the truth.
 *
 * Storage is reached through `SettingsRepoPort` (lib/storage/settings-repo.ts has its shape), as the providers reach
 * theirs, because lib/config sits below lib/storage (docs/architecture.md#layers).
 */

export type SettingsDocument = ConfigFile;

/** `file`: the file is the truth and the database copy is read-only; `database`: the console (and import) may edit. */
export const settingsSourceSchema = z.enum(["file", "database"]);
export type SettingsSource = z.infer<typeof settingsSourceSchema>;

export interface StoredSettings {
  version: number;
  /** As stored; validate with `validateSettings` before use (the schema may have changed since it was written). */
  document: unknown;
  updatedAt: number;
  updatedBy: string;
}

export interface SettingsChange {
  /** The version the change was made from; 0 when nothing is stored yet. */
  expectedVersion: number;
  document: SettingsDocument;
  at: number;
  user: string;
  /** What made it: `console`, `import-config`, `file-import` (first start), `file-sync` (settings_source "file"). */
  action: string;
  /** `diffSettings` lines, secrets masked. */
  diff: string[];
}

export type SaveOutcome = { ok: true; version: number } | { ok: false; reason: "conflict"; currentVersion: number };

export interface SettingsAuditEntry {
  version: number;
  at: number;
  user: string;
  action: string;
  diff: string[];
}

/** What the store needs of storage: lib/storage/settings-repo.ts, bound (ctx.repos.settings). */
export interface SettingsRepoPort {
  readSettings(): Promise<StoredSettings | undefined>;
  readSettingsVersion(): Promise<number>;
  saveSettings(change: SettingsChange): Promise<SaveOutcome>;
}

export type Validated = { ok: true; document: SettingsDocument } | { ok: false; problems: string[] };

/**
 * The file's validation, word for word: the schema with its cross-references, then the safety rules of a real
 * deployment (never the demo's relaxed ones: the demo is never stored). Each problem names its key as the start does.
 */
export function validateSettings(json: unknown, source = "settings"): Validated {
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (i) => `${source}: ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`,
      ),
    };
  }
  const unsafe = safetyIssues(parsed.data, { demo: false });
  if (unsafe.length) return { ok: false, problems: unsafe.map((i) => `${source}: ${i.path}: ${i.message}`) };
  return { ok: true, document: parsed.data };
}

/** The key of `settings_source` in a config file: read by lib/config/load.ts, never part of the stored document. */
export const SETTINGS_SOURCE_KEY = "settings_source";

/** The file's JSON without `settings_source` (which configFileSchema, being strict, would refuse), and that value. */
export function splitSettingsSource(json: unknown): { json: unknown; source: unknown } {
  if (typeof json !== "object" || json === null || Array.isArray(json) || !(SETTINGS_SOURCE_KEY in json)) {
    return { json, source: undefined };
  }
  const { [SETTINGS_SOURCE_KEY]: source, ...rest } = json as Record<string, unknown>;
  return { json: rest, source };
}

/** Every leaf of the document by a readable path (array items named by their appkey, id or name when they have one). */
function leaves(value: unknown, path: string, secret: boolean, out: Map<string, { text: string; secret: boolean }>) {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, { text: "[]", secret });
    value.forEach((item, i) => {
      const label =
        item && typeof item === "object" && !Array.isArray(item)
          ? ((item as Record<string, unknown>).appkey ??
            (item as Record<string, unknown>).id ??
            (item as Record<string, unknown>).name)
          : undefined;
      leaves(item, `${path}[${typeof label === "string" ? label : i}]`, secret, out);
    });
  } else if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && path) out.set(path, { text: "{}", secret });
    for (const [k, v] of entries) leaves(v, path ? `${path}.${k}` : k, secret || isSecretSetting(k), out);
  } else if (value !== undefined) {
    out.set(path, { text: JSON.stringify(value), secret });
  }
}

/**
 * What changed from `before` to `after`, one line per leaf: `+ path: value`, `- path: value`, `~ path: old → new`.
 * A secret's value never appears: its line says only that it was set, removed or changed.
 */
export function diffSettings(before: unknown, after: unknown): string[] {
  const a = new Map<string, { text: string; secret: boolean }>();
  const b = new Map<string, { text: string; secret: boolean }>();
  leaves(before ?? {}, "", false, a);
  leaves(after ?? {}, "", false, b);
  const show = (v: { text: string; secret: boolean }) => (v.secret ? "(secret)" : v.text);
  const lines: string[] = [];
  for (const [path, old] of a) {
    const now = b.get(path);
    if (!now) lines.push(`- ${path}: ${show(old)}`);
    else if (now.text !== old.text)
      lines.push(now.secret || old.secret ? `~ ${path}: (secret changed)` : `~ ${path}: ${old.text} → ${now.text}`);
  }
  for (const [path, now] of b) if (!a.has(path)) lines.push(`+ ${path}: ${show(now)}`);
  return lines;
}

export type SaveResult =
  | { ok: true; version: number; diff: string[]; unchanged: boolean }
  | { ok: false; reason: "invalid"; problems: string[] }
  | { ok: false; reason: "conflict"; currentVersion: number }
  | { ok: false; reason: "read-only"; message: string };

export interface SaveRequest {
  json: unknown;
  /** The version the editor started from (a console form's hidden field, the import's read). */
  expectedVersion: number;
  user: string;
  action: string;
  at: number;
  source: SettingsSource;
}

/**
 * Validates and saves one change as one transaction (the repository's compare-and-swap plus its audit row), then
 * announces it (`publish`, after the commit) so every instance reloads. Refused whole when invalid, when the
 * document moved on since `expectedVersion`, or when the file is the source of truth.
 */
export async function saveSettingsDocument(
  repo: SettingsRepoPort,
  publish: (version: number) => Promise<void>,
  req: SaveRequest,
): Promise<SaveResult> {
  if (req.source === "file") {
    return {
      ok: false,
      reason: "read-only",
      message: 'settings_source is "file": the config file is the source of truth; edit the file instead',
    };
  }
  const valid = validateSettings(req.json);
  if (!valid.ok) return { ok: false, reason: "invalid", problems: valid.problems };
  const current = await repo.readSettings();
  const currentVersion = current?.version ?? 0;
  if (currentVersion !== req.expectedVersion) return { ok: false, reason: "conflict", currentVersion };
  const diff = diffSettings(current?.document, valid.document);
  if (diff.length === 0) return { ok: true, version: currentVersion, diff, unchanged: true };
  const saved = await repo.saveSettings({
    expectedVersion: req.expectedVersion,
    document: valid.document,
    at: req.at,
    user: req.user,
    action: req.action,
    diff,
  });
  if (!saved.ok) return saved;
  await publish(saved.version);
  return { ok: true, version: saved.version, diff, unchanged: false };
}

/** The document as a config file (a valid `PAYDESK_CONFIG`; `settings_source` left out, so it defaults to "file"). */
export function exportSettings(document: SettingsDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
