import pino from "pino";
import type { ChannelConfig } from "@/lib/providers/registry";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { notificationUrlPolicy } from "@/lib/merchant-notify/notification-url-policy";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import type { DatabaseHandle } from "@/lib/storage/database";
import { FakeShop } from "@/test/support/fake-shop";
import type { RunningServer } from "@/test/support/http-server";
import { signedCreateParams, signedLookupParams } from "@/test/support/merchant-client";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  TEST_MERCHANT,
  type TestContext,
} from "@/test/support/test-context";
import type { Order, Payment } from "@/lib/storage/records";

/** The merchant API's envelope as a test reads it. */
export interface Envelope {
  code: number;
  msg: string;
  data?: Record<string, unknown> & { order_id?: string; pay_amount?: string; qr_content?: string; status?: string };
}

/**
 * Test scaffolding shared by the provider integration tests: a SQLite Paydesk over real HTTP whose only merchant
 * (TEST_MERCHANT) uses the given channels and notifies a FakeShop. Not used by production code.
 */
export interface ProviderHarness {
  ctx: TestContext;
  paydesk: RunningServer;
  shop: FakeShop;
  create(p: { price: string; type: string; out_order_id: string; custom?: string }): Promise<Envelope>;
  /** The signed merchant query by out_order_id. */
  query(outOrderId: string): Promise<Envelope>;
  order(orderId: string): Promise<Order | undefined>;
  orderByRef(outOrderId: string): Promise<Order | undefined>;
  payments(channelId: string): Promise<Payment[]>;
  outboxCount(orderId: string): Promise<number>;
  /** One dispatcher pass; returns how many deliveries were attempted. */
  dispatch(): Promise<number>;
  /** Forgets upstream failures so a test's deliberate errors don't open the channel's circuit for the next test. */
  resetBreaker(channelId: string): void;
  close(): Promise<void>;
}

async function postForm(url: string, params: Record<string, string>): Promise<Envelope> {
  const res = await fetch(url, { method: "POST", body: new URLSearchParams(params) });
  return (await res.json()) as Envelope;
}

export async function startProviderHarness(channels: ChannelConfig[]): Promise<ProviderHarness> {
  const shop = await new FakeShop().start();
  const db: DatabaseHandle = await openTestDatabase("sqlite");
  const file = testConfigFile({
    merchants: testConfigFile().merchants.map((m) => ({
      ...m,
      notify_url: shop.notifyUrl,
      channels: channels.map((c) => c.id),
    })),
    channels,
  });
  const ctx = testContext(db, testAppConfig(file));
  const paydesk = await startPaydeskServer(ctx);
  const log = pino({ level: "silent" });
  return {
    ctx,
    paydesk,
    shop,
    create: (p) => postForm(`${paydesk.url}/api/cloudpay/create`, signedCreateParams(p, TEST_MERCHANT)),
    query: (ref) => postForm(`${paydesk.url}/api/cloudpay/query`, signedLookupParams(ref, TEST_MERCHANT)),
    order: (id) => ctx.repos.orders.findOrderById(id),
    orderByRef: (ref) => ctx.repos.orders.findOrderByMerchantRef(TEST_MERCHANT.appkey, ref),
    // Raw reads the repositories have no use for in production.
    payments: (channelId) =>
      db.db.selectFrom("payments").selectAll().where("channel_id", "=", channelId).orderBy("id").execute(),
    async outboxCount(orderId) {
      const rows = await db.db.selectFrom("notifications").select("id").where("order_id", "=", orderId).execute();
      return rows.length;
    },
    dispatch: () =>
      dispatchDue(ctx.repos.notifications, {
        owner: "test",
        now: ctx.now,
        urlPolicy: (n) => notificationUrlPolicy(ctx, n),
        timeoutMs: 2000,
        log,
      }),
    resetBreaker: (channelId) => channelBreaker().recordSuccess(channelId),
    async close() {
      await paydesk.close();
      await shop.stop();
      await db.close();
    },
  };
}
