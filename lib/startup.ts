import "server-only";
import { ConfigError, getConfig } from "@/lib/config/load";
import { startBackground } from "@/lib/background";
import { getDatabase } from "@/lib/storage/database";

/**
 * Runs once per server process: validate configuration (a bad key stops the start with a message naming it),
 * open and migrate the database, start the dispatcher and sweeper. Any failure here exits non-zero.
 */
export async function start(): Promise<void> {
  try {
    const config = getConfig();
    if (config.demo) {
      // Loud on purpose: a production start that lost its config file must not look like a normal start.
      console.warn(
        "Paydesk: DEMO MODE — no config file at ./paydesk.config.json; the built-in demo merchant (published secret, sandbox only) is serving. Set PAYDESK_CONFIG or create the file for real merchants.",
      );
    }
    await getDatabase(config.databaseUrl);
    await startBackground();
  } catch (err) {
    const message =
      err instanceof ConfigError
        ? `Paydesk configuration error:\n${err.message}`
        : `Paydesk failed to start: ${(err as Error).message}`;
    console.error(message);
    process.exit(1);
  }
}
