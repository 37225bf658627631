/**
 * Operator commands, against the database of the current environment (PAYDESK_DATABASE_URL, PAYDESK_CONFIG):
 *   npm run admin -- review                 payments kept for review (mismatched amounts, no payable order)
 *   npm run admin -- log <order_id>         the merchant notification's attempt log
 *   npm run admin -- resend <order_id>      send a failed notification again, with a fresh retry schedule
 */
import { notificationLog, resend, reviewPayments } from "@/lib/admin/admin-commands";
import { getAppContext } from "@/lib/context";
import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/storage/database";

async function main(): Promise<number> {
  const [command, arg] = process.argv.slice(2);
  const ctx = await getAppContext();
  let lines: string[];
  if (command === "review") lines = await reviewPayments(ctx);
  else if (command === "log" && arg) lines = await notificationLog(ctx, arg);
  else if (command === "resend" && arg) lines = await resend(ctx, arg);
  else {
    console.error("usage: npm run admin -- review | log <order_id> | resend <order_id>");
    return 2;
  }
  console.log(lines.join("\n"));
  await ctx.events.close();
  await (await getDatabase(getConfig().databaseUrl)).close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);
