import "server-only";
import type { Db } from "./database";

/** When the channel's monitor app last called in (ms), or null when it never did. */
export async function lastHeartbeat(db: Db, channelId: string): Promise<number | null> {
  const row = await db
    .selectFrom("channel_monitors")
    .select("last_heart_at")
    .where("channel_id", "=", channelId)
    .executeTakeFirst();
  return row?.last_heart_at ?? null;
}

/**
 * Records a monitor app's heartbeat at `at` and returns the previous one, so the caller can tell a monitor that
 * comes back from one that never left. A late-arriving older heartbeat never moves the time backwards.
 */
export async function recordHeartbeat(db: Db, channelId: string, at: number): Promise<number | null> {
  const before = await lastHeartbeat(db, channelId);
  await db
    .insertInto("channel_monitors")
    .values({ channel_id: channelId, last_heart_at: at })
    .onConflict((oc) =>
      oc.column("channel_id").doUpdateSet((eb) => ({
        // A null time compares as unknown, so the ELSE branch sets it.
        last_heart_at: eb
          .case()
          .when(eb.ref("channel_monitors.last_heart_at"), ">", at)
          .then(eb.ref("channel_monitors.last_heart_at"))
          .else(at)
          .end(),
      })),
    )
    .execute();
  return before;
}
