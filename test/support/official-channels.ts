import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import type { ConfigFile } from "@/lib/config/schema";
import type { ChannelConfig } from "@/lib/providers/registry";
import type { DatabaseHandle } from "@/lib/storage/database";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import {
  alipayTestKeys as AK,
  startAlipayF2fEmulator,
  startWechatV3Emulator,
  wechatTestKeys as WK,
  type AlipayEmulator,
  type WechatV3Emulator,
} from "@/test/support/emulators";
import type { RunningServer } from "@/test/support/http-server";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import { openTestDatabase, testAppConfig, testConfigFile, testContext } from "@/test/support/test-context";
import type { TestContext, TestDialect } from "@/test/support/test-context";

const APP_ID = "2021000000000001";
const SELLER = "2088102119685838";
const WX_APPID = "wx1234567890abcdef";
const APIV3_KEY = "0123456789abcdefghijABCDEFGHIJ01";

/**
 * The two official channels a test can run against: an Alipay 当面付 emulator behind channel `ali` and a WeChat Pay v3
 * emulator behind channel `wx`, signed with the shared test keys. Not used by production code.
 */
export interface OfficialChannels {
  ali: AlipayEmulator;
  wx: WechatV3Emulator;
  /** `ali` then `wx`, pointing at the emulators; a test adds its own channels after them. */
  channels: ChannelConfig[];
  /** Between tests: no faults, no balance limit, and both circuits closed again after a test's deliberate failures. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts both emulators on the test's clock (`now`, usually `() => ctx.now()` read lazily, as the context is built
 * from `channels` afterwards) with the given upstream timeout per channel.
 */
export async function startOfficialChannels(options: {
  now: () => number;
  timeoutMs: number;
}): Promise<OfficialChannels> {
  const { now, timeoutMs } = options;
  const ali = await startAlipayF2fEmulator({
    appId: APP_ID,
    keys: {
      mode: "key",
      appPublicKey: AK.ALIPAY_TEST_APP_PUBLIC_KEY,
      platformPrivateKey: AK.ALIPAY_TEST_PLATFORM_PRIVATE_KEY,
    },
    sellerId: SELLER,
    now,
  });
  const wx = await startWechatV3Emulator({
    mchid: WK.WECHAT_TEST_MCHID,
    appid: WX_APPID,
    apiv3Key: APIV3_KEY,
    merchantPublicKey: WK.WECHAT_TEST_MERCHANT_CERT,
    merchantSerial: WK.WECHAT_TEST_MERCHANT_SERIAL,
    signer: { serial: WK.WECHAT_TEST_PUBKEY_ID, privateKey: WK.WECHAT_TEST_PUBKEY_PRIVATE },
    now,
  });
  const channels: ChannelConfig[] = [
    {
      id: "ali",
      provider: "alipay-f2f",
      types: ["alipay"],
      gateway: ali.gateway,
      app_id: APP_ID,
      app_private_key: AK.ALIPAY_TEST_APP_PRIVATE_KEY,
      alipay_public_key: AK.ALIPAY_TEST_PLATFORM_PUBLIC_KEY,
      seller_id: SELLER,
      timeout_ms: timeoutMs,
    },
    {
      id: "wx",
      provider: "wechat-v3",
      types: ["wxpay"],
      base_url: wx.baseUrl,
      mchid: WK.WECHAT_TEST_MCHID,
      appid: WX_APPID,
      merchant_private_key: WK.WECHAT_TEST_MERCHANT_PRIVATE_KEY,
      merchant_serial_no: WK.WECHAT_TEST_MERCHANT_SERIAL,
      wechatpay_public_key: WK.WECHAT_TEST_PUBKEY,
      wechatpay_public_key_id: WK.WECHAT_TEST_PUBKEY_ID,
      apiv3_key: APIV3_KEY,
      timeout_ms: timeoutMs,
    },
  ];
  return {
    ali,
    wx,
    channels,
    reset() {
      for (const emulator of [ali, wx]) {
        emulator.setFaults({ delayMs: 0, httpStatus: null, garbage: false, errorMessage: null });
        emulator.setBalance(undefined);
      }
      channelBreaker().recordSuccess("ali");
      channelBreaker().recordSuccess("wx");
    },
    async close() {
      await ali.close();
      await wx.close();
    },
  };
}

/** A Paydesk server on one database whose shops pay through the official channels; filled in by `beforeAll`. */
export interface OfficialPaydesk {
  official: OfficialChannels;
  ali: AlipayEmulator;
  wx: WechatV3Emulator;
  db: DatabaseHandle;
  ctx: TestContext;
  paydesk: RunningServer;
}

/**
 * Registers a suite's hooks: the official channels and a Paydesk server on `dialect` before all tests, both
 * channels reset before each, and everything closed after all (`stop` first, for what `start` began). The config
 * file defaults to every test shop on `ali` and `wx`; the returned object is filled in once `beforeAll` has run.
 */
export function useOfficialPaydesk(
  dialect: TestDialect,
  options: {
    timeoutMs: number;
    file?: (official: OfficialChannels) => ConfigFile;
    start?: (env: OfficialPaydesk) => void | Promise<void>;
    stop?: () => Promise<void>;
  },
): OfficialPaydesk {
  const env = {} as OfficialPaydesk;
  beforeAll(async () => {
    const official = await startOfficialChannels({ now: () => env.ctx.now(), timeoutMs: options.timeoutMs });
    const file =
      options.file?.(official) ??
      testConfigFile({
        merchants: testConfigFile().merchants.map((m) => ({ ...m, channels: ["ali", "wx"] })),
        channels: official.channels,
      });
    const db = await openTestDatabase(dialect);
    const ctx = testContext(db, testAppConfig(file));
    Object.assign(env, { official, ali: official.ali, wx: official.wx, db, ctx });
    env.paydesk = await startPaydeskServer(ctx);
    await options.start?.(env);
  });
  afterAll(async () => {
    await options.stop?.();
    await env.paydesk.close();
    await env.db.close();
    await env.official.close();
  });
  beforeEach(() => env.official.reset());
  return env;
}

/** What a close test reads back for one order: the upstream closes each emulator saw, applied payments, notifies. */
export function officialCloseProbes(env: OfficialPaydesk) {
  return {
    aliCloses: (orderId: string) =>
      env.ali.calls.filter((c) => c.method === "alipay.trade.close" && c.biz.out_trade_no === orderId),
    wxCloses: (orderId: string) =>
      env.wx.calls.filter((c) => c.path === `/v3/pay/transactions/out-trade-no/${orderId}/close`),
    applied: async (orderId: string) =>
      (await env.db.db.selectFrom("payments").selectAll().where("order_id", "=", orderId).execute()).filter(
        (p) => p.status === "applied",
      ),
    outbox: async (orderId: string) =>
      (await env.db.db.selectFrom("notifications").select("id").where("order_id", "=", orderId).execute()).length,
  };
}

/** Pays a created order through its emulator's notify and checks Paydesk acknowledged it and marked it paid. */
export async function payThroughEmulator(env: OfficialPaydesk, type: "alipay" | "wxpay", orderId: string) {
  const acks = type === "alipay" ? await env.ali.pay(orderId) : await env.wx.pay(orderId);
  expect(acks[0]!.status).toBe(200);
  expect((await env.ctx.repos.orders.findOrderById(orderId))?.status).toBe("paid");
}
