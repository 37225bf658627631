import type { AppContext } from "@/lib/context";
import { epayApiHandler, epayMapiHandler, epaySubmitHandler } from "@/lib/http/epay-handler";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { handleVmqMonitor } from "@/lib/http/monitor-handler";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { handleVmqApi } from "@/lib/http/vmq-handler";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { checkOrder, closeOrder, listRecords, queryOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";
import { queryRefundApi, refundOrderApi } from "@/lib/merchant-api/cloudpay/cloudpay-refund";
import type { ConfigFile } from "@/lib/config/schema";
import type { DatabaseHandle } from "@/lib/storage/database";
import { afterAll, beforeAll } from "vitest";
import { serveFetch, type RunningServer } from "./http-server";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "./test-context";

/**
 * Paydesk's merchant API and notify endpoint over real HTTP, without Next.js: the same handler functions the app
 * routes export, bound to a test context. Integration tests point provider emulators and merchant clients at it.
 * The context's `config.baseUrl` is set to the server's address so notify URLs given to providers reach it.
 */
export async function startPaydeskServer(ctx: AppContext): Promise<RunningServer> {
  const factory = () => Promise.resolve(ctx);
  const routes: Record<string, (r: Request) => Promise<Response>> = {
    "/api/cloudpay/create": merchantHandler(createOrder, factory),
    "/api/cloudpay/query": merchantHandler(queryOrder, factory),
    "/api/cloudpay/records": merchantHandler(listRecords, factory),
    "/api/cloudpay/close": merchantHandler(closeOrder, factory),
    "/api/cloudpay/refund": merchantHandler(refundOrderApi, factory),
    "/api/cloudpay/refund/query": merchantHandler(queryRefundApi, factory),
    "/api/order/check": merchantHandler(checkOrder, factory),
    "/submit.php": epaySubmitHandler(factory),
    "/mapi.php": epayMapiHandler(factory),
    "/api.php": epayApiHandler(factory),
  };
  const server = await serveFetch(async (request) => {
    const { pathname } = new URL(request.url);
    const notify = /^\/api\/notify\/([^/]+)$/.exec(pathname);
    if (notify?.[1]) return handleNotify(request, decodeURIComponent(notify[1]), factory);
    const monitor = /^\/api\/vmq\/([^/]+)\/(appHeart|appPush)$/.exec(pathname);
    if (monitor?.[1]) return handleVmqMonitor(request, decodeURIComponent(monitor[1]), factory);
    const vmqApi = /^\/vmq\/([^/]+)\/([A-Za-z]+)$/.exec(pathname);
    if (vmqApi?.[1] && vmqApi[2]) return handleVmqApi(request, decodeURIComponent(vmqApi[1]), vmqApi[2], factory);
    const route = routes[pathname];
    return route ? route(request) : new Response("not found", { status: 404 });
  });
  ctx.config.baseUrl = server.url;
  return server;
}

/** A shop-side server a suite starts before Paydesk (its notify URL goes into the config) and stops after it. */
export interface SuiteShop {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * For the enclosing suite: starts `shop`, then Paydesk over HTTP on a fresh SQLite database with the config
 * `makeFile` builds (called once the shop listens); stops all of it afterwards. The returned objects are filled in by
 * the `beforeAll`, so tests use `ctx`, `paydesk.url` and `db.db` as usual.
 */
export function usePaydeskServer(
  shop: SuiteShop,
  makeFile: () => ConfigFile,
): { db: DatabaseHandle; ctx: TestContext; paydesk: RunningServer } {
  const db = {} as DatabaseHandle;
  const ctx = {} as TestContext;
  const paydesk = {} as RunningServer;
  beforeAll(async () => {
    await shop.start();
    Object.assign(db, await openTestDatabase("sqlite"));
    Object.assign(ctx, testContext(db, testAppConfig(makeFile())));
    Object.assign(paydesk, await startPaydeskServer(ctx));
  });
  afterAll(async () => {
    await paydesk.close();
    await shop.stop();
    await db.close();
  });
  return { db, ctx, paydesk };
}
