/**
 * Operator commands, against the database of the current environment (PAYDESK_DATABASE_URL, PAYDESK_CONFIG):
 *   npm run admin -- review                 payments kept for review (mismatched amounts, no payable order)
 *   npm run admin -- log <order_id>         the merchant notification's attempt log
 *   npm run admin -- resend <order_id>      send a failed notification again, with a fresh retry schedule
 *   npm run admin -- logout-user <name>     end every console session of that user, on every instance
 *   npm run admin -- epay-v2-public-key     the 彩虹易支付 V2 platform public key to give the shops (generated if absent)
 *   npm run admin -- hash-password          reads a password on stdin, prints its scrypt hash for console.users
 *   npm run admin -- export-config          the current settings as a config file (stdout)
 *   npm run admin -- import-config FILE [--yes]  show the diff (secrets masked), apply after confirmation
 *                                           (refused while settings_source is "file")
 */
import fs from "node:fs";
import readline from "node:readline/promises";
import os from "node:os";
import { epayV2PublicKey, logoutUser, notificationLog, resend, reviewPayments } from "@/lib/admin/admin-commands";
import { exportConfig, importConfig } from "@/lib/admin/settings-commands";
import { getAppContext } from "@/lib/app-context";
import { getConfig } from "@/lib/config/load";
import { hashPassword } from "@/lib/console/password";
import { getDatabase } from "@/lib/storage/database";

/** The password from stdin (piped, or typed and ended with Enter), never from argv where shell history keeps it. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("password: ");
  let input = "";
  for await (const chunk of process.stdin) {
    input += String(chunk);
    if (process.stdin.isTTY && input.includes("\n")) break;
  }
  return input.replace(/\r?\n$/, "").split(/\r?\n/)[0] ?? "";
}

async function main(): Promise<number> {
  const [command, arg] = process.argv.slice(2);
  if (command === "epay-v2-public-key") {
    // Needs no database: the key comes from PAYDESK_EPAY_V2_PRIVATE_KEY or the data folder.
    console.log(epayV2PublicKey().join("\n"));
    return 0;
  }
  if (command === "hash-password") {
    console.log(await hashPassword(await readPassword()));
    return 0;
  }
  const ctx = await getAppContext();
  if (command === "export-config" || (command === "import-config" && arg)) {
    let code = 0;
    if (command === "export-config") {
      const out = await exportConfig(ctx);
      if (out.ok) process.stdout.write(out.text);
      else console.error(out.message);
      code = out.ok ? 0 : 1;
    } else {
      const yes = process.argv.includes("--yes");
      const result = await importConfig(ctx, JSON.parse(fs.readFileSync(String(arg), "utf8")) as unknown, {
        user: `cli:${os.userInfo().username}`,
        async confirm(diff) {
          console.log(diff.join("\n"));
          if (yes) return true;
          const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
          const answer = await rl.question("apply these changes? [y/N] ");
          rl.close();
          return /^y(es)?$/i.test(answer.trim());
        },
      });
      console.log(result.lines.join("\n"));
      code = result.ok ? 0 : 1;
    }
    await ctx.events.close();
    await (await getDatabase(getConfig().databaseUrl)).close();
    return code;
  }
  let lines: string[];
  if (command === "review") lines = await reviewPayments(ctx);
  else if (command === "log" && arg) lines = await notificationLog(ctx, arg);
  else if (command === "resend" && arg) lines = await resend(ctx, arg);
  else if (command === "logout-user" && arg) lines = await logoutUser(ctx, arg);
  else {
    console.error(
      "usage: npm run admin -- epay-v2-public-key | review | log <order_id> | resend <order_id> | logout-user <name> | hash-password | export-config | import-config <file> [--yes]",
    );
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
