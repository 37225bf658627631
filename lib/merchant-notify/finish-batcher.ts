import "server-only";
import type { AttemptResult, FinishedAttempt } from "@/lib/storage/notifications-repo";
import type { NotificationsRepository } from "@/lib/storage/repositories";

type Outbox = Pick<NotificationsRepository, "finishAttempt" | "finishAttempts">;

interface Waiting {
  item: FinishedAttempt;
  resolve(kept: boolean): void;
  reject(err: unknown): void;
}

/**
 * Group commit for attempt results: the outcomes of deliveries that finish in the same turn of the event loop are
 * written in one transaction, so a burst to a fast shop costs one commit (one fsync on SQLite) per batch, not one per
 * notification. Each caller still learns whether its own result was kept. If the batch fails, each result is tried
 * alone, so one bad row cannot take the others down with it; a result that is never written leaves its lease to run
 * out and the notification is sent again (at least once, as after a crash).
 */
export class FinishBatcher {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly outbox: Outbox) {}

  /** Same contract as NotificationsRepository.finishAttempt. */
  readonly finishAttempt = (id: number, owner: string, now: number, result: AttemptResult): Promise<boolean> =>
    new Promise<boolean>((resolve, reject) => {
      this.queue.push({ item: { id, owner, now, result }, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (batch.length === 1) {
      const [one] = batch as [Waiting];
      const { id, owner, now, result } = one.item;
      return this.outbox.finishAttempt(id, owner, now, result).then(one.resolve, one.reject);
    }
    try {
      const kept = await this.outbox.finishAttempts(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(kept[i] ?? false));
    } catch {
      for (const w of batch) {
        const { id, owner, now, result } = w.item;
        await this.outbox.finishAttempt(id, owner, now, result).then(w.resolve, w.reject);
      }
    }
  }
}
