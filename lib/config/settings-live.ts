import "server-only";
import type { Logger } from "pino";
import { withSettings, type AppConfig } from "./load";
import { diffSettings, validateSettings, type SettingsRepoPort } from "./settings-store";

/**
 * Settings applied live (docs/contract.md#settings-source): when a change is committed, every instance re-reads the
 * document, validates it with the file's rules and swaps the process's config (lib/config/load.ts `replaceConfig`,
 * the one place it is held). The `settings.changed` event (lib/events/event-bus.ts: in-process on SQLite,
 * LISTEN/NOTIFY on PostgreSQL) makes that immediate; a poll of the version every second is the safety net for a lost
 * event and for a change made by another process on the same SQLite file (`npm run admin -- import-config`).
 * A stored document that fails validation is logged and the config in use is kept.
 */

export interface SettingsSyncDeps {
  repo: SettingsRepoPort;
  /** Calls `listener` with the version of every `settings.changed` event; returns the unsubscribe. */
  onChanged(listener: (version: number) => void): () => void;
  /** Announces a save (after its commit). */
  publish(version: number): Promise<void>;
  log: Pick<Logger, "info" | "warn" | "error">;
  current(): AppConfig;
  swap(config: AppConfig): void;
  now(): number;
  /** The safety-net poll; 1000 ms unless set (0: none). */
  pollMs?: number;
}

export interface SettingsSync {
  /** Re-reads the stored document now and applies it if newer (what an event and the poll call). */
  reload(): Promise<void>;
  stop(): void;
}

/**
 * First start and file sync: with nothing stored and a config file, the file is imported (version 1). With
 * `settings_source: "file"` the database copy follows the file (so export and the console show what is served);
 * with `"database"` the stored document replaces the file's settings. Concurrent starts of several instances are
 * safe: the compare-and-swap lets one import, the others find the row.
 */
export async function startSettingsSync(deps: SettingsSyncDeps): Promise<SettingsSync> {
  const config = deps.current();
  const source = config.settingsSource ?? "file";
  const stored = await deps.repo.readSettings();
  const file = config.fileDocument;
  if (file && (!stored || (source === "file" && diffSettings(stored.document, file).length > 0))) {
    const saved = await deps.repo.saveSettings({
      expectedVersion: stored?.version ?? 0,
      document: file,
      at: deps.now(),
      user: "paydesk",
      action: stored ? "file-sync" : "file-import",
      diff: diffSettings(stored?.document, file),
    });
    if (saved.ok) {
      deps.log.info(
        { version: saved.version },
        stored ? "settings: database copy updated from the config file" : "settings: config file imported",
      );
      await deps.publish(saved.version);
    }
  }

  let rejected: number | undefined;
  let running: Promise<void> = Promise.resolve();
  const apply = async (): Promise<void> => {
    if (source === "file") return;
    const row = await deps.repo.readSettings();
    const now = deps.current();
    if (!row || row.version === now.settingsVersion || row.version === rejected) return;
    const valid = validateSettings(row.document, `settings v${row.version}`);
    if (!valid.ok) {
      rejected = row.version;
      deps.log.error(
        { version: row.version, problems: valid.problems },
        "settings: stored document refused; the config in use is kept",
      );
      return;
    }
    deps.swap(withSettings(now, valid.document, row.version));
    deps.log.info({ version: row.version }, "settings: applied");
  };
  // One reload at a time, in order: an event and the poll arriving together read the row once each, never interleaved.
  const reload = (): Promise<void> => {
    running = running
      .then(apply)
      .catch((err: unknown) => deps.log.warn({ err }, "settings: reload failed; retrying on the next poll"));
    return running;
  };

  await reload();
  const unsubscribe = deps.onChanged(() => void reload());
  const pollMs = deps.pollMs ?? 1000;
  const timer =
    source === "database" && pollMs > 0
      ? setInterval(() => {
          void deps.repo
            .readSettingsVersion()
            .then((v) => {
              if (v !== 0 && v !== deps.current().settingsVersion && v !== rejected) return reload();
            })
            .catch(() => undefined);
        }, pollMs)
      : undefined;
  timer?.unref();
  return {
    reload,
    stop() {
      unsubscribe();
      if (timer) clearInterval(timer);
    },
  };
}
