/** Next.js calls register() once per server process before serving; Paydesk's start-up lives in lib/startup.ts. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { start } = await import("@/lib/startup");
  await start();
}
