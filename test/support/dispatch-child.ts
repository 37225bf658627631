/**
 * A dispatcher in a process of its own, for the crash test: it claims what is due in the given SQLite database and
 * delivers it with a long timeout, so the test can kill it with SIGKILL while the merchant has not answered yet.
 * Usage: tsx --conditions=react-server test/support/dispatch-child.ts <file:db-url>
 */
import pino from "pino";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import { openDatabase } from "@/lib/storage/database";
import { createRepositories } from "@/lib/storage/repositories";

async function main(url: string | undefined): Promise<void> {
  if (!url) throw new Error("database url required");
  const handle = await openDatabase(url);
  await dispatchDue(createRepositories(handle.db).notifications, {
    owner: "child",
    now: () => Date.now(),
    urlPolicy: () => ({ allowedHosts: ["127.0.0.1"] }),
    timeoutMs: 60_000,
    log: pino({ level: "silent" }),
  });
  await handle.close();
}

void main(process.argv[2]);
