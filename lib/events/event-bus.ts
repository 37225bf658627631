import "server-only";
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import type { DatabaseHandle } from "@/lib/storage/database";
import type { NotifyChannel } from "@/lib/storage/pg-notify";

/**
 * What happened to an order, published after the transaction that made it so has committed (docs/contract.md#events).
 * Events carry ids, never state: a listener re-reads the database, so a duplicate or late event is harmless and a lost
 * one only waits for the safety-net timers.
 */
export type PaydeskEvent =
  /** A payment was applied to the order (it is paid now). */
  | { type: "order.paid"; orderId: string }
  /** The merchant closed the order. */
  | { type: "order.closed"; orderId: string }
  /** The payer chose a wallet (or the choice failed and was released): type, amount and code changed, not status. */
  | { type: "order.updated"; orderId: string }
  /** The sweeper stored the order as expired. */
  | { type: "order.expired"; orderId: string }
  /** An attempt to notify the shop finished; `delivered` once the shop answered `success`. */
  | { type: "delivery.result"; orderId: string; status: "delivered" | "pending" | "failed" }
  /** A notification to the shop is due now (a new payment, an operator's resend). */
  | { type: "notification.due"; orderId: string }
  /** The settings document was saved at this version (lib/config/settings-live.ts reloads it on every instance). */
  | { type: "settings.changed"; version: number };

const eventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("order.paid"), orderId: z.string().max(64) }),
  z.object({ type: z.literal("order.closed"), orderId: z.string().max(64) }),
  z.object({ type: z.literal("order.updated"), orderId: z.string().max(64) }),
  z.object({ type: z.literal("order.expired"), orderId: z.string().max(64) }),
  z.object({
    type: z.literal("delivery.result"),
    orderId: z.string().max(64),
    status: z.enum(["delivered", "pending", "failed"]),
  }),
  z.object({ type: z.literal("notification.due"), orderId: z.string().max(64) }),
  z.object({ type: z.literal("settings.changed"), version: z.number().int().min(1) }),
]);
/** On the wire (NOTIFY payload): the sending instance, so it skips its own echo, and the event. */
const wireSchema = z.object({ from: z.string(), event: eventSchema });

export type EventListener = (event: PaydeskEvent) => void;

/** Publish/subscribe for PaydeskEvents: in-process always, across instances when the database can carry them. */
export interface EventBus {
  /** Delivers to this process's listeners at once and, on PostgreSQL, to every other instance. Never throws. */
  publish(event: PaydeskEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

/** Events within this process only (SQLite: one process writes the file and serves its pages). */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly log?: Logger) {}

  /** Calls every listener; one that throws does not keep the event from the others. */
  deliver(event: PaydeskEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log?.error({ err, event }, "event listener failed");
      }
    }
  }

  async publish(event: PaydeskEvent): Promise<void> {
    this.deliver(event);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Local delivery plus PostgreSQL NOTIFY to the other instances on the same schema. */
class PgEventBus extends LocalEventBus {
  private readonly id = randomBytes(8).toString("hex");
  private channel: NotifyChannel | undefined;

  constructor(private readonly logger: Logger) {
    super(logger);
  }

  async open(handle: DatabaseHandle & Required<Pick<DatabaseHandle, "openEventChannel">>): Promise<void> {
    this.channel = await handle.openEventChannel(
      (payload) => this.receive(payload),
      (err) => this.logger.warn({ err }, "event channel connection failed; reconnecting"),
    );
  }

  private receive(payload: string): void {
    let parsed: z.infer<typeof wireSchema>;
    try {
      parsed = wireSchema.parse(JSON.parse(payload));
    } catch (err) {
      this.logger.warn({ err }, "unreadable event on the channel");
      return;
    }
    if (parsed.from !== this.id) this.deliver(parsed.event);
  }

  override async publish(event: PaydeskEvent): Promise<void> {
    this.deliver(event);
    try {
      await this.channel?.send(JSON.stringify({ from: this.id, event }));
    } catch (err) {
      this.logger.warn({ err, event }, "event not sent to other instances; their safety net will catch up");
    }
  }

  override async close(): Promise<void> {
    await super.close();
    await this.channel?.close();
  }
}

/** The bus for a database: PostgreSQL's LISTEN/NOTIFY when it has it, otherwise in-process. */
export async function createEventBus(handle: DatabaseHandle, log: Logger): Promise<EventBus> {
  const { openEventChannel } = handle;
  if (!openEventChannel) return new LocalEventBus(log);
  const bus = new PgEventBus(log);
  await bus.open({ ...handle, openEventChannel });
  return bus;
}
