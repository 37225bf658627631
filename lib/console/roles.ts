import type { ConsoleRole } from "@/lib/storage/migration-016-console-users";

export type { ConsoleRole } from "@/lib/storage/migration-016-console-users";

/**
 * Console roles, checked on the server (never only by hiding a button):
 *  - viewer: reads every page of their merchants, changes only their own account (password, TOTP, sessions);
 *  - operator: also acts on orders and payments (credit, dismiss, resend, close, note, refunds);
 *  - owner: also settings and the users page.
 * Each role includes the ones below it.
 */
const RANK: Record<ConsoleRole, number> = { viewer: 0, operator: 1, owner: 2 };

export function roleAtLeast(role: ConsoleRole, least: ConsoleRole): boolean {
  return RANK[role] >= RANK[least];
}

/**
 * Every console POST, by path (`*` stands for one path segment, such as an order id), with the least role allowed
 * to send it: the one table lib/http/console-handler.ts enforces for every `consoleAction`. A path not listed here
 * is owner-only (default deny), so an action added without a line here is safe until someone lowers it on purpose.
 */
export const CONSOLE_POST_ROLES: Readonly<Record<string, ConsoleRole>> = {
  "/console/auth/logout": "viewer",
  // One's own account.
  "/console/account/password": "viewer",
  "/console/account/totp/begin": "viewer",
  "/console/account/totp/confirm": "viewer",
  "/console/account/totp/disable": "viewer",
  "/console/account/sessions/end": "viewer",
  // Orders and payments.
  "/console/act/credit": "operator",
  "/console/act/dismiss": "operator",
  "/console/act/resend": "operator",
  "/console/act/resend-shop": "operator",
  "/console/orders/*/close": "operator",
  "/console/orders/*/note": "operator",
  "/console/orders/*/refund": "operator",
  // A test alert changes nothing (it checks that a sink answers): operators may send one.
  "/console/act/test-alert": "operator",
  // Users and settings.
  "/console/users/create": "owner",
  "/console/users/update": "owner",
  "/console/users/delete": "owner",
  "/console/users/reset-totp": "owner",
  "/console/users/reset-password": "owner",
  "/console/users/settings": "owner",
};

const segments = (path: string) => (path.length > 1 ? path.replace(/\/+$/, "") : path).split("/");

function matches(pattern: string, path: string): boolean {
  const p = segments(pattern);
  const q = segments(path);
  return p.length === q.length && p.every((seg, i) => (seg === "*" ? q[i]!.length > 0 : seg === q[i]));
}

/** The least role for a POST to `pathname` (owner for any path the table does not list). */
export function leastRoleForPost(pathname: string): ConsoleRole {
  for (const [pattern, role] of Object.entries(CONSOLE_POST_ROLES)) if (matches(pattern, pathname)) return role;
  return "owner";
}

/**
 * Pages only read, so every signed-in role may open them, except these (prefix match), which show or change what
 * only owners may: lib/console/page-auth.ts `requireConsoleUser` checks it for the page it is given.
 */
export const CONSOLE_PAGE_ROLES: Readonly<Record<string, ConsoleRole>> = {
  "/console/users": "owner",
};

export function leastRoleForPage(pathname: string): ConsoleRole {
  for (const [prefix, role] of Object.entries(CONSOLE_PAGE_ROLES))
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return role;
  return "viewer";
}

/** POSTs an account that must still enrol in TOTP (the owner requires it) may send: its own account, and logout. */
export function allowedBeforeTotpEnrolment(pathname: string): boolean {
  return pathname === "/console/auth/logout" || pathname.startsWith("/console/account/");
}
