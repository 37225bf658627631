/**
 * Next.js calls register() once per server process before serving; Paydesk's start-up lives in lib/startup.ts.
 * It also hands scripts/server.mjs the fast lane (lib/http/fast-lane.ts), compiled here with the rest of lib/.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { start } = await import("@/lib/startup");
  await start();
  const { publishFastLane } = await import("@/lib/http/fast-lane");
  await publishFastLane();
}
