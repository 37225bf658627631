import { z } from "zod";

/**
 * The config file's `console` key (validated by lib/config/schema.ts with everything else, as lib/config/alerts.ts
 * is): who may log in to the merchant console, with a scrypt hash from `npm run admin -- hash-password`, which merchants each of them may see and their
 * role. These accounts are managed by the file (lib/console/accounts.ts, docs/console.md); accounts created in the
 * console live in the database only.
 */

/** `scrypt$N$r$p$salt$hash` (base64url parts), as `npm run admin -- hash-password` prints it. */
export const PASSWORD_HASH_PATTERN = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/;

/** A merchant-console operator: which merchants' orders they may see and act on (`"*"`: all of them). */
export const consoleUserSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "must be 1–64 letters, digits, '_', '.', '@' or '-'"),
    password_hash: z
      .string()
      .regex(PASSWORD_HASH_PATTERN, "must be a scrypt hash from `npm run admin -- hash-password`"),
    merchants: z.union([z.literal("*"), z.array(z.string().min(1)).min(1)]),
    /** The account's role (lib/console/roles.ts); a file account without one is an owner, as every user was before roles. */
    role: z.enum(["owner", "operator", "viewer"]).optional(),
  })
  .strict();

export const consoleSchema = z.object({ users: z.array(consoleUserSchema).default([]) }).strict();

export type ConsoleUser = z.infer<typeof consoleUserSchema>;

/** Cross-checks against the rest of the file: user names are unique and every listed merchant exists. */
export function refineConsoleUsers(
  users: readonly ConsoleUser[],
  appkeys: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const names = new Set<string>();
  users.forEach((u, i) => {
    if (names.has(u.name))
      ctx.addIssue({
        code: "custom",
        path: ["console", "users", i, "name"],
        message: `duplicate console user "${u.name}"`,
      });
    names.add(u.name);
    if (u.merchants === "*") return;
    u.merchants.forEach((appkey, j) => {
      if (!appkeys.has(appkey))
        ctx.addIssue({
          code: "custom",
          path: ["console", "users", i, "merchants", j],
          message: `unknown merchant "${appkey}"`,
        });
    });
  });
}
