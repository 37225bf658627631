/**
 * Next.js calls register() once per server process before serving. Paydesk validates its configuration here (a bad
 * key stops the start with a message naming it), opens and migrates the database, and starts background work.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig, ConfigError } = await import("@/lib/config");
  try {
    const config = getConfig();
    const { getDatabase } = await import("@/lib/storage/database");
    await getDatabase(config.databaseUrl);
    const { startBackground } = await import("@/lib/background");
    await startBackground();
  } catch (err) {
    const message = err instanceof ConfigError ? `Paydesk configuration error:\n${err.message}` : `Paydesk failed to start: ${(err as Error).message}`;
    console.error(message);
    process.exit(1);
  }
}
