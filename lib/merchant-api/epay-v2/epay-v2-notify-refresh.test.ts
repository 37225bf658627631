import { createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileSchema, type Merchant } from "@/lib/config/schema";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { findNotificationByOrder, insertNotification } from "@/lib/storage/notifications-repo";
import type { OrderProtocol } from "@/lib/storage/records";
import { createRepositories } from "@/lib/storage/repositories";
import { serveFetch, type RunningServer } from "@/test/support/http-server";
import { testOrder } from "@/test/support/order-fixture";
import { ManualClock } from "@/test/support/test-context";
import { notificationProtocol, notificationToSend, notifyMessage } from "../registry";

/**
 * Each V2 notify attempt is re-signed with the second it leaves (docs/protocols/epay-v2.md#notify-and-return): the
 * published V2 SDK's notify check refuses a `timestamp` more than 300 s from its clock. Verified here the way that SDK
 * does (its own sign string, the platform public key), written apart from lib/merchant-api/epay-v2/epay-v2-sign.ts.
 * The other protocols' messages carry no time and go out byte for byte as stored.
 */

const platformKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const shopKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const silent = pino({ level: "silent" });

function sdkSignContent(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((k) => k !== "sign" && k !== "sign_type" && fields[k] !== "")
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join("&");
}

/** The SDK's `verify`: a sign, a timestamp within 300 s of `now`, SHA256withRSA under the platform public key. */
function sdkVerifies(fields: Record<string, string>, now: number): boolean {
  if (!fields.sign || !fields.timestamp || Math.abs(now / 1000 - Number(fields.timestamp)) > 300) return false;
  return createVerify("RSA-SHA256")
    .update(sdkSignContent(fields), "utf8")
    .verify(platformKeys.publicKey, Buffer.from(fields.sign, "base64"));
}

const savedKey = process.env.PAYDESK_EPAY_V2_PRIVATE_KEY;
beforeAll(() => {
  process.env.PAYDESK_EPAY_V2_PRIVATE_KEY = platformKeys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
});
afterAll(() => {
  if (savedKey === undefined) delete process.env.PAYDESK_EPAY_V2_PRIVATE_KEY;
  else process.env.PAYDESK_EPAY_V2_PRIVATE_KEY = savedKey;
});

interface Received {
  method: string;
  url: string;
  body: string;
}

describe("V2 notify re-signed at each sending", () => {
  let shop: RunningServer;
  let db: DatabaseHandle;
  let merchant: Merchant;
  const received: Received[] = [];

  beforeAll(async () => {
    shop = await serveFetch(async (request) => {
      received.push({ method: request.method, url: request.url, body: await request.text() });
      return new Response("success");
    });
    merchant = configFileSchema.parse({
      merchants: [
        {
          appkey: "k1",
          appsecret: "s1secret-long-enough",
          name: "Shop",
          notify_url: `${shop.url}/cloud`,
          return_url: "https://shop.example/return",
          channels: ["sandbox"],
          epay: { pid: "1000", key: "epay-key-0123456789abcdefghijklmnop" },
          epay_v2: {
            pid: "2000",
            public_key: shopKeys.publicKey.export({ type: "spki", format: "pem" }).toString(),
            allowed_hosts: [],
          },
          vmq: { key: "vmq-key-0123456789" },
        },
      ],
      channels: [{ id: "sandbox", provider: "sandbox", types: ["alipay"] }],
    }).merchants[0]!;
    db = await openDatabase(`file:${path.join(os.tmpdir(), `paydesk-v2refresh-${randomBytes(5).toString("hex")}.db`)}`);
  });
  afterAll(async () => {
    await shop.close();
    await db.close();
  });

  const paidAt = Date.UTC(2026, 10, 22, 4, 0, 0);
  const paidOrder = (protocol: OrderProtocol) =>
    testOrder({
      protocol,
      status: "paid",
      paid_at: paidAt,
      created_at: paidAt - 60_000,
      name: "商品 A&B",
      custom: "p=1",
      price_fen: 1000,
      price_raw: "10.00",
      real_fen: 1000,
      notify_url: `${shop.url}/${protocol}?from=${protocol}`,
      return_url: "https://shop.example/return",
    });

  it("a retry 10 minutes after payment carries a fresh timestamp that verifies with the platform public key", async () => {
    const order = paidOrder("epay-v2");
    const stored = notifyMessage(merchant, order)!;
    const storedQuery = Object.fromEntries(new URL(stored.url).searchParams);
    expect(storedQuery.timestamp).toBe(String(paidAt / 1000));
    await insertNotification(db.db, { orderId: order.id, ...stored, now: paidAt });
    const clock = new ManualClock(paidAt + 600_000);
    const opts = { owner: "A", now: clock.now, urlPolicy: () => ({ allowedHosts: ["127.0.0.1"] }), timeoutMs: 2000 };
    received.length = 0;
    expect(await dispatchDue(createRepositories(db.db).notifications, { ...opts, log: silent })).toBe(1);
    expect(received).toHaveLength(1);
    const sent = Object.fromEntries(new URL(received[0]!.url).searchParams);
    expect(received[0]!.method).toBe("GET");
    expect(sent.timestamp).toBe(String((paidAt + 600_000) / 1000));
    expect(sdkVerifies(sent, clock.now())).toBe(true);
    // Every other field as stored, in the stored order; only timestamp and sign changed.
    expect(Object.keys(sent)).toEqual(Object.keys(storedQuery));
    expect({ ...sent, timestamp: "", sign: "" }).toEqual({ ...storedQuery, timestamp: "", sign: "" });
    expect(sent.sign).not.toBe(storedQuery.sign);
    // The stored message, sent as is, would be refused by the SDK now.
    expect(sdkVerifies(storedQuery, clock.now())).toBe(false);
    // The next retry is signed for its own second; the outbox row is never rewritten.
    const row = (await findNotificationByOrder(db.db, order.id))!;
    expect(row.url).toBe(stored.url);
    clock.advance(3_600_000);
    const later = Object.fromEntries(new URL(notificationToSend(row, clock.now()).url).searchParams);
    expect(later.timestamp).toBe(String((paidAt + 4_200_000) / 1000));
    expect(sdkVerifies(later, clock.now())).toBe(true);
  });

  it("V1, 云端 and V免签 notifications are sent byte for byte as stored", async () => {
    for (const protocol of ["epay", "cloudpay", "vmq"] as const) {
      const order = paidOrder(protocol);
      const stored = notifyMessage(merchant, order)!;
      expect(notificationProtocol(stored)).toBe(protocol);
      await insertNotification(db.db, { orderId: order.id, ...stored, now: paidAt });
      const row = (await findNotificationByOrder(db.db, order.id))!;
      // The registry hands back the row itself: nothing rebuilt.
      expect(notificationToSend(row, paidAt + 86_400_000)).toBe(row);
      received.length = 0;
      const clock = new ManualClock(paidAt + 600_000);
      const opts = { owner: "A", now: clock.now, urlPolicy: () => ({ allowedHosts: ["127.0.0.1"] }), timeoutMs: 2000 };
      expect(await dispatchDue(createRepositories(db.db).notifications, { ...opts, log: silent })).toBe(1);
      expect(received).toEqual([
        {
          method: stored.method,
          url: new URL(stored.url).toString(),
          body: stored.method === "POST" ? stored.body : "",
        },
      ]);
      expect(received[0]!.url).toBe(stored.url);
    }
  });
});
