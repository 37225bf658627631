import "server-only";
import type { AppContext } from "@/lib/context";
import {
  diffSettings,
  exportSettings,
  saveSettingsDocument,
  splitSettingsSource,
  validateSettings,
} from "@/lib/config/settings-store";

/**
 * `npm run admin -- export-config` and `import-config FILE` (scripts/admin.ts, docs/contract.md#settings-source):
 * the settings document out as a config file, and a file in as one audited, version-checked change.
 */

/** The current settings as a valid config file: the stored document, else the file's (nothing stored yet). */
export async function exportConfig(
  ctx: AppContext,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const stored = await ctx.repos.settings.readSettings();
  if (stored) {
    const valid = validateSettings(stored.document, `settings v${stored.version}`);
    if (!valid.ok) return { ok: false, message: valid.problems.join("\n") };
    return { ok: true, text: exportSettings(valid.document) };
  }
  if (ctx.config.fileDocument) return { ok: true, text: exportSettings(ctx.config.fileDocument) };
  return { ok: false, message: "no settings stored yet (the demo merchant is serving; it is never exported)" };
}

export interface ImportOptions {
  /** Asked with the diff before anything is written; `--yes` answers true. */
  confirm(diff: string[]): Promise<boolean>;
  user: string;
}

/**
 * Validates the file as the start would, shows what it changes (secrets masked) and, once confirmed, saves it as one
 * change from the version the diff was made against (a console save in between refuses it: nothing half-applied).
 * Refused while `settings_source` is "file": there the file itself is edited.
 */
export async function importConfig(
  ctx: AppContext,
  json: unknown,
  options: ImportOptions,
): Promise<{ ok: boolean; lines: string[] }> {
  const source = ctx.config.settingsSource ?? "file";
  if (source === "file") {
    return {
      ok: false,
      lines: [
        'settings_source is "file": the config file is the source of truth; edit it (or set settings_source to "database")',
      ],
    };
  }
  const body = splitSettingsSource(json).json;
  const valid = validateSettings(body, "import");
  if (!valid.ok) return { ok: false, lines: valid.problems };
  const stored = await ctx.repos.settings.readSettings();
  const diff = diffSettings(stored?.document, valid.document);
  if (diff.length === 0) return { ok: true, lines: [`no changes (settings v${stored?.version ?? 0})`] };
  if (!(await options.confirm(diff))) return { ok: false, lines: ["not applied"] };
  const saved = await saveSettingsDocument(
    ctx.repos.settings,
    (version) => ctx.events.publish({ type: "settings.changed", version }),
    {
      json: valid.document,
      expectedVersion: stored?.version ?? 0,
      user: options.user,
      action: "import-config",
      at: ctx.now(),
      source,
    },
  );
  if (saved.ok) return { ok: true, lines: [`applied: settings v${saved.version} (${diff.length} change(s))`] };
  if (saved.reason === "conflict")
    return {
      ok: false,
      lines: [`refused: the settings changed meanwhile (now v${saved.currentVersion}); run it again`],
    };
  return { ok: false, lines: saved.reason === "invalid" ? saved.problems : [saved.message] };
}
