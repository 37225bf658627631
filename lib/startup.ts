import "server-only";
import { ConfigError, getConfig, replaceConfig } from "@/lib/config/load";
import { startSettingsSync } from "@/lib/config/settings-live";
import { getAppContext } from "@/lib/app-context";
import { startBackground } from "@/lib/background";
import { importFileUsers } from "@/lib/console/accounts";
import { createSetupLink } from "@/lib/console/setup";
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
    await syncSettings();
    await announceConsoleSetup();
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

/**
 * The settings in the database (lib/config/settings-live.ts): the file imported on a first start, the stored
 * document applied when `settings_source` is "database", and every later change applied live, for the process's life.
 */
async function syncSettings(): Promise<void> {
  const ctx = await getAppContext();
  await startSettingsSync({
    repo: ctx.repos.settings,
    onChanged: (listener) =>
      ctx.events.subscribe((e) => {
        if (e.type === "settings.changed") listener(e.version);
      }),
    publish: (version) => ctx.events.publish({ type: "settings.changed", version }),
    log: ctx.log.child({ component: "settings" }),
    current: getConfig,
    swap: replaceConfig,
    now: () => Date.now(),
  });
}

/**
 * The config file's console accounts get their rows (lib/console/accounts.ts); with no account at all, the log
 * carries a one-time link to create the first owner (lib/console/setup.ts), on the demo as on a real start.
 */
async function announceConsoleSetup(): Promise<void> {
  const ctx = await getAppContext();
  await importFileUsers(ctx);
  const link = await createSetupLink(ctx);
  if (link)
    console.warn(
      `Paydesk: no console account yet. Create the first owner within 30 minutes (the link works once): ${link}\n` +
        "  A new link is printed at every start until an account exists.",
    );
}
