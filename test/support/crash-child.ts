/**
 * One Paydesk instance for the crash suite, in a process of its own so it can be killed with SIGKILL at any moment:
 * the merchant API and the provider notify endpoint over HTTP (the app's own handler functions) plus the
 * notification dispatcher polling every 50 ms. Prints `ready <port>` once it serves.
 * Usage: node --import tsx --conditions=react-server test/support/crash-child.ts <db-url> <pg-schema|-> <shop-notify-url> <owner>
 */
import pino from "pino";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { openDatabase } from "@/lib/storage/database";
import { crashConfigFile } from "./crash-config";
import { serveFetch } from "./http-server";
import { testAppConfig, testContext } from "./test-context";

async function main(): Promise<void> {
  const [url, schema, shopUrl, owner] = process.argv.slice(2);
  if (!url || !schema || !shopUrl || !owner)
    throw new Error("usage: crash-child <db-url> <pg-schema|-> <shop-notify-url> <owner>");
  const handle = await openDatabase(url, schema === "-" ? {} : { pgSchema: schema });
  const ctx = testContext(handle, testAppConfig(crashConfigFile(shopUrl)), { now: () => Date.now() });
  const factory = () => Promise.resolve(ctx);
  const create = merchantHandler(createOrder, factory);
  const server = await serveFetch(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/api/cloudpay/create") return create(request);
    const notify = /^\/api\/notify\/([^/]+)$/.exec(pathname);
    if (notify?.[1]) return handleNotify(request, notify[1], factory);
    return new Response("not found", { status: 404 });
  });
  ctx.config.baseUrl = server.url;
  // The shop is on 127.0.0.1, which the notify URL guard refuses unless allowed.
  const opts = {
    owner,
    now: () => Date.now(),
    urlPolicy: () => ({ allowedHosts: ["127.0.0.1"] }),
    timeoutMs: 1000,
    log: pino({ level: "silent" }),
  };
  let busy = false;
  setInterval(() => {
    if (busy) return;
    busy = true;
    dispatchDue(ctx.repos.notifications, opts)
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 50);
  process.stdout.write(`ready ${server.port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
