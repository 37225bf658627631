import { describe, expect, it } from "vitest";
import type { AttemptResult, FinishedAttempt } from "@/lib/storage/notifications-repo";
import { FinishBatcher } from "./finish-batcher";

const result: AttemptResult = {
  attempt: {
    started_at: 0,
    duration_ms: 1,
    http_status: 200,
    response_body: "success",
    error: null,
    outcome: "delivered",
  },
  next: { status: "delivered", nextAttemptAt: 0 },
};

/** An outbox that records how it was called; ids in `refuse` are "not kept", `failBatch` makes batches throw. */
function fakeOutbox(refuse: Set<number>, failBatch = false) {
  const calls: { batch: number[] | null; single: number | null }[] = [];
  return {
    calls,
    finishAttempt: async (id: number) => {
      calls.push({ batch: null, single: id });
      if (id === 666) throw new Error("bad row");
      return !refuse.has(id);
    },
    finishAttempts: async (items: readonly FinishedAttempt[]) => {
      calls.push({ batch: items.map((i) => i.id), single: null });
      if (failBatch) throw new Error("batch failed");
      return items.map((i) => !refuse.has(i.id));
    },
  };
}

describe("finish batcher (group commit of attempt results)", () => {
  it("writes results that finish in the same turn as one batch, each caller learning its own outcome", async () => {
    const outbox = fakeOutbox(new Set([2]));
    const batcher = new FinishBatcher(outbox);
    const kept = await Promise.all([1, 2, 3].map((id) => batcher.finishAttempt(id, "A", 0, result)));
    expect(kept).toEqual([true, false, true]);
    expect(outbox.calls).toEqual([{ batch: [1, 2, 3], single: null }]);
    // A later, lone result is its own write.
    expect(await batcher.finishAttempt(4, "A", 0, result)).toBe(true);
    expect(outbox.calls.at(-1)).toEqual({ batch: null, single: 4 });
  });

  it("when a batch fails, tries each result alone: one bad row fails only its own caller", async () => {
    const outbox = fakeOutbox(new Set(), true);
    const batcher = new FinishBatcher(outbox);
    const outcomes = await Promise.allSettled([5, 666, 7].map((id) => batcher.finishAttempt(id, "A", 0, result)));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(outbox.calls.map((c) => c.single ?? "batch")).toEqual(["batch", 5, 666, 7]);
  });
});
