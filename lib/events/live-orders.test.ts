import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import type { RowChange } from "@/lib/storage/row-changes-repo";
import type { Order } from "@/lib/storage/records";
import type { Repositories } from "@/lib/storage/repositories";
import { testOrder } from "@/test/support/order-fixture";
import { LocalEventBus } from "./event-bus";
import { LiveOrders } from "./live-orders";

/** Repositories holding one order in memory, counting the reads; `changes` is what the safety net's query returns. */
function fakeRepos(order: Order) {
  const state = { order, reads: 0, changes: [] as RowChange[] };
  const repos = {
    orders: {
      findOrderById: async (id: string) => {
        state.reads++;
        return id === state.order.id ? state.order : undefined;
      },
    },
    notifications: { findNotificationByOrder: async () => undefined },
    rowChanges: { rowsChangedSince: async () => state.changes },
  } as unknown as Repositories;
  return { state, repos };
}

describe("live orders' safety net", () => {
  it("re-reads an order only for a change it has not loaded yet, and wakes its held poll then", async () => {
    const order = testOrder({ status: "pending", updated_at: 1000 });
    const { state, repos } = fakeRepos(order);
    const live = new LiveOrders(repos, new LocalEventBus(), () => Date.now(), {
      safetyNetMs: 3_600_000,
      log: pino({ level: "silent" }),
    });
    try {
      expect((await live.snapshot(order.id))?.order.status).toBe("pending");
      expect(state.reads).toBe(1);
      let woken = false;
      const waiting = live.waitForChange(order.id, 5_000).then(() => (woken = true));
      // The row as loaded, seen again by an overlapping look-back: no re-read, the poll sleeps on.
      state.changes = [{ orderId: order.id, row: "order", updatedAt: 1000 }];
      await live.safetyNet();
      await new Promise((r) => setTimeout(r, 10));
      expect(woken).toBe(false);
      await live.snapshot(order.id);
      expect(state.reads).toBe(1);
      // A newer write whose event never came: the poll wakes and the order is read again.
      state.order = { ...order, status: "paid", updated_at: 2000 };
      state.changes = [{ orderId: order.id, row: "order", updatedAt: 2000 }];
      await live.safetyNet();
      await waiting;
      expect(woken).toBe(true);
      expect((await live.snapshot(order.id))?.order.status).toBe("paid");
      expect(state.reads).toBe(2);
    } finally {
      live.close();
    }
  });

  it("reads a snapshot again once it is older than a minute", async () => {
    const order = testOrder({ status: "pending", updated_at: 1000 });
    const { state, repos } = fakeRepos(order);
    vi.useFakeTimers({ toFake: ["Date"] });
    const live = new LiveOrders(repos, new LocalEventBus(), () => Date.now(), {
      safetyNetMs: 3_600_000,
      log: pino({ level: "silent" }),
    });
    try {
      await live.snapshot(order.id);
      vi.setSystemTime(Date.now() + 59_000);
      await live.snapshot(order.id);
      expect(state.reads).toBe(1);
      vi.setSystemTime(Date.now() + 2_000);
      await live.snapshot(order.id);
      expect(state.reads).toBe(2);
    } finally {
      live.close();
      vi.useRealTimers();
    }
  });
});
