import { afterAll, beforeAll, expect, it } from "vitest";
import { consoleLogin } from "@/lib/console/console-login";
import { CONSOLE_COOKIE, readConsoleSession } from "@/lib/console/console-session";
import {
  CONSOLE_POST_ROLES,
  leastRoleForPage,
  leastRoleForPost,
  roleAtLeast,
  type ConsoleRole,
} from "@/lib/console/roles";
import type { DatabaseHandle } from "@/lib/storage/database";
import { CONSOLE_PASSWORD, consolePasswordHash, consoleTestConfig } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { consoleAction } from "./console-handler";
import { consoleAccountRoutes } from "./console-account-routes";

/**
 * The role table (lib/console/roles.ts) as lib/http/console-handler.ts enforces it: every listed POST is refused
 * below its role and reaches its action at or above it; a path nobody listed is owner-only.
 */
describeOnDatabases("console roles on every POST", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  const cookies: Partial<Record<ConsoleRole, { sealed: string; csrf: string }>> = {};
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = testContext(db, consoleTestConfig([]));
    for (const role of ["owner", "operator", "viewer"] as const) {
      await ctx.repos.consoleUsers.insertConsoleUser({
        name: role,
        password_hash: consolePasswordHash,
        role,
        merchants: "*",
        source: "console",
        now: ctx.now(),
      });
      const r = await consoleLogin(ctx, { name: role, password: CONSOLE_PASSWORD, clientIp: "10.0.0.1" });
      if (!r.ok) throw new Error(`login ${role}`);
      cookies[role] = { sealed: r.sealed, csrf: (await readConsoleSession(ctx, r.sealed))!.csrf };
    }
  });
  afterAll(() => db.close());

  let ran = 0;
  const probe = consoleAction(
    async () => {
      ran++;
      return new Response(null, { status: 204 });
    },
    () => Promise.resolve(ctx),
  );
  const post = (path: string, role: ConsoleRole, fields: Record<string, string> = {}) =>
    new Request(`http://paydesk.test${path}`, {
      method: "POST",
      headers: { cookie: `${CONSOLE_COOKIE}=${cookies[role]!.sealed}` },
      body: new URLSearchParams({ csrf: cookies[role]!.csrf, ...fields }),
    });
  const concrete = (pattern: string) => pattern.replaceAll("*", "P1234567890");
  const paths = Object.keys(CONSOLE_POST_ROLES);

  it("lists the known actions, and the order operations of every order id", () => {
    expect(paths.length).toBeGreaterThanOrEqual(20);
    expect(leastRoleForPost("/console/act/credit")).toBe("operator");
    expect(leastRoleForPost("/console/orders/ABC/refund")).toBe("operator");
    expect(leastRoleForPost("/console/orders/ABC/refund/extra")).toBe("owner");
    expect(leastRoleForPost("/console/users/create")).toBe("owner");
    expect(leastRoleForPost("/console/act/not-yet-written")).toBe("owner");
    expect(leastRoleForPage("/console/users")).toBe("owner");
    expect(leastRoleForPage("/console/orders")).toBe("viewer");
  });

  for (const role of ["viewer", "operator", "owner"] as const) {
    it(`a ${role}'s POST to each action runs exactly where the table allows it`, async () => {
      for (const pattern of paths) {
        const before = ran;
        const res = await probe(post(concrete(pattern), role));
        const allowed = roleAtLeast(role, CONSOLE_POST_ROLES[pattern]!);
        expect([pattern, res.status]).toEqual([pattern, allowed ? 204 : 403]);
        expect(ran - before).toBe(allowed ? 1 : 0);
      }
    });
  }

  it("an action nobody listed is owner-only (default deny)", async () => {
    const before = ran;
    expect((await probe(post("/console/act/brand-new", "viewer"))).status).toBe(403);
    expect((await probe(post("/console/act/brand-new", "operator"))).status).toBe(403);
    expect((await probe(post("/console/act/brand-new", "owner"))).status).toBe(204);
    expect(ran - before).toBe(1);
  });

  it("an operator cannot manage users through the real endpoints", async () => {
    const routes = consoleAccountRoutes(() => Promise.resolve(ctx));
    const res = await routes.createUserRoute(
      post("/console/users/create", "operator", { name: "sneaky", role: "owner", merchants: "*" }),
    );
    expect(res.status).toBe(403);
    expect(await ctx.repos.consoleUsers.findConsoleUser("sneaky")).toBeUndefined();
    const del = await routes.deleteUserRoute(post("/console/users/delete", "operator", { name: "viewer" }));
    expect(del.status).toBe(403);
    expect(await ctx.repos.consoleUsers.findConsoleUser("viewer")).toBeDefined();
    // The owner's same request works, and hands the first password back once, as JSON.
    const ok = await routes.createUserRoute(
      post("/console/users/create", "owner", { name: "newop", role: "operator", merchants: "k1" }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, name: "newop", password: expect.any(String) });
  });

  it("while the owner requires TOTP, an account without it may only reach its own account and logout", async () => {
    await ctx.repos.consoleUsers.saveConsoleAccountSettings({ idleTimeoutMin: 30, requireTotp: true }, 0, ctx.now());
    const before = ran;
    const res = await probe(post("/console/act/credit", "operator"));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/account");
    expect((await probe(post("/console/account/totp/begin", "operator"))).status).toBe(204);
    expect(ran - before).toBe(1);
  });
});
