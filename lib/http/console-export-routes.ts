import "server-only";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { CONSOLE_LANG_COOKIE, consoleLocale } from "@/lib/console/console-locale";
import { canSeeMerchant, scopeFor } from "@/lib/console/console-scope";
import { CONSOLE_COOKIE, readConsoleSession } from "@/lib/console/console-session";
import { exportCsv, exportFilename, requestedMerchant, type ExportKind } from "@/lib/console/csv-export";
import { leastRoleForPage, roleAtLeast } from "@/lib/console/roles";
import { backTo, requestCookie } from "./console-handler";

/**
 * GET /console/export/{orders,payments,refunds,audit}.csv (one-line routes under app/console/export/): the same
 * checks as a console page (lib/console/page-auth.ts: a live session, TOTP enrolled if required, the page's role —
 * viewer and above), then the CSV streamed (lib/console/csv-export.ts), scoped to the operator's merchants. A
 * merchant asked for by name outside that scope is refused rather than answered with an empty file.
 */

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

/** The export endpoints over one way of getting the context (the app's; tests pass their own). */
export function consoleExportRoutes(getCtx: () => Promise<AppContext> = getAppContext) {
  const route =
    (kind: ExportKind) =>
    async (request: Request): Promise<Response> => {
      const ctx = await getCtx();
      const cookie = requestCookie(request, CONSOLE_COOKIE);
      const session = await readConsoleSession(ctx, cookie);
      if (!session) return backTo(request, "/console/login", cookie ? { expired: "1" } : {});
      if (session.mustEnrolTotp) return backTo(request, "/console/account", { enrol: "1" });
      const url = new URL(request.url);
      if (!roleAtLeast(session.account.role, leastRoleForPage(url.pathname)))
        return text(403, `the role "${session.account.role}" may not export`);
      const scope = scopeFor(ctx.config, session.account);
      const merchant = requestedMerchant(url.searchParams);
      if (merchant !== undefined && !canSeeMerchant(scope, merchant)) return text(403, "forbidden");
      const locale = consoleLocale(requestCookie(request, CONSOLE_LANG_COOKIE), request.headers.get("accept-language"));
      return new Response(exportCsv(ctx, scope, kind, url.searchParams, locale), {
        status: 200,
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${exportFilename(kind, ctx.now())}"`,
          "Cache-Control": "no-store",
          "X-Content-Type-Options": "nosniff",
        },
      });
    };
  return {
    exportOrdersRoute: route("orders"),
    exportPaymentsRoute: route("payments"),
    exportRefundsRoute: route("refunds"),
    exportAuditRoute: route("audit"),
  };
}

export const { exportOrdersRoute, exportPaymentsRoute, exportRefundsRoute, exportAuditRoute } = consoleExportRoutes();
