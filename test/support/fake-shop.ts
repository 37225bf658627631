import { verifyNotifyForm } from "@/lib/merchant-api/cloudpay/cloudpay-sign";
import { serveFetch, type RunningServer } from "./http-server";
import { TEST_MERCHANT } from "./test-context";

export type ShopBehaviour = "success" | "fail" | "error500" | "hang";

export interface ShopNotification {
  fields: Record<string, string>;
  verified: boolean;
  at: number;
}

/**
 * A merchant's notify endpoint for tests: verifies each notification's signature exactly as a shop would, records
 * it, and answers as told (`success`, `fail`, HTTP 500, or never).
 */
export class FakeShop {
  behaviour: ShopBehaviour = "success";
  readonly received: ShopNotification[] = [];
  private server?: RunningServer;

  constructor(private readonly merchant: { appkey: string; appsecret: string } = TEST_MERCHANT) {}

  get notifyUrl(): string {
    if (!this.server) throw new Error("shop not started");
    return `${this.server.url}/notify`;
  }

  async start(): Promise<this> {
    this.server = await serveFetch(async (request) => {
      const fields = Object.fromEntries(new URLSearchParams(await request.text()));
      this.received.push({
        fields,
        verified: verifyNotifyForm(this.merchant.appkey, this.merchant.appsecret, fields),
        at: Date.now(),
      });
      switch (this.behaviour) {
        case "success":
          return new Response("success");
        case "fail":
          return new Response("fail");
        case "error500":
          return new Response("oops", { status: 500 });
        case "hang":
          return new Promise<Response>(() => undefined);
      }
    });
    return this;
  }

  verifiedFor(orderId: string): ShopNotification[] {
    return this.received.filter((n) => n.verified && n.fields.order_id === orderId);
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}
