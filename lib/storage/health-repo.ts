import "server-only";
import { sql } from "kysely";
import type { Db } from "./database";

/** One round trip to the database (the health check): resolves when it answers, rejects when it cannot. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
