import "server-only";
import type { Db } from "./database";
import type { SaveOutcome, SettingsAuditEntry, SettingsChange, StoredSettings } from "@/lib/config/settings-store";

/**
 * The settings document (migration 017): one row, replaced whole by a compare-and-swap on its version, with the
 * change's audit row in the same transaction. Implements lib/config/settings-store.ts `SettingsRepoPort`.
 */

const ROW_ID = 1;

/** The stored document (JSON, as saved; the caller validates it) and its version; undefined before the first save. */
export async function readSettings(db: Db): Promise<StoredSettings | undefined> {
  const row = await db.selectFrom("settings_document").selectAll().where("id", "=", ROW_ID).executeTakeFirst();
  if (!row) return undefined;
  return {
    version: row.version,
    document: JSON.parse(row.document) as unknown,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** Only the version: what the other instances' safety-net poll reads every second. */
export async function readSettingsVersion(db: Db): Promise<number> {
  const row = await db.selectFrom("settings_document").select("version").where("id", "=", ROW_ID).executeTakeFirst();
  return row?.version ?? 0;
}

/**
 * Writes the document if the stored version is still `expectedVersion` (0: nothing stored yet), and its audit row,
 * in one transaction (joins the caller's when `db` is one). The second of two saves from the same version finds the
 * version moved and writes nothing.
 */
export async function saveSettings(db: Db, change: SettingsChange): Promise<SaveOutcome> {
  const write = async (tx: Db): Promise<SaveOutcome> => {
    const next = change.expectedVersion + 1;
    const values = {
      version: next,
      document: JSON.stringify(change.document),
      updated_at: change.at,
      updated_by: change.user,
    };
    const written =
      change.expectedVersion === 0
        ? ((
            await tx
              .insertInto("settings_document")
              .values({ id: ROW_ID, ...values })
              .onConflict((oc) => oc.column("id").doNothing())
              .executeTakeFirst()
          ).numInsertedOrUpdatedRows ?? 0n)
        : (
            await tx
              .updateTable("settings_document")
              .set(values)
              .where("id", "=", ROW_ID)
              .where("version", "=", change.expectedVersion)
              .executeTakeFirst()
          ).numUpdatedRows;
    if (written === 0n) return { ok: false, reason: "conflict", currentVersion: await readSettingsVersion(tx) };
    await tx
      .insertInto("settings_audit")
      .values({
        version: next,
        at: change.at,
        user_name: change.user,
        action: change.action,
        diff: JSON.stringify(change.diff),
      })
      .execute();
    return { ok: true, version: next };
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

/** The newest settings changes first. */
export async function listSettingsAudit(db: Db, limit = 50): Promise<SettingsAuditEntry[]> {
  const rows = await db.selectFrom("settings_audit").selectAll().orderBy("id", "desc").limit(limit).execute();
  return rows.map((r) => ({
    version: r.version,
    at: r.at,
    user: r.user_name,
    action: r.action,
    diff: JSON.parse(r.diff) as string[],
  }));
}
