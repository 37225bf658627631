import "server-only";
import pg from "pg";

/** One PostgreSQL LISTEN/NOTIFY channel: what this instance sends reaches every instance listening on it. */
export interface NotifyChannel {
  /** The channel's name (includes the schema, so parallel schemas on one database never hear each other). */
  readonly name: string;
  send(payload: string): Promise<void>;
  close(): Promise<void>;
}

/** NOTIFY payloads must stay below 8000 bytes; Paydesk's events are a few dozen. */
const MAX_PAYLOAD = 7900;
const RECONNECT_MS = 1000;

/** `paydesk_events_<schema>`, folded to a valid identifier of at most 63 bytes. */
export function channelName(schema: string): string {
  return `paydesk_events_${schema}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .slice(0, 63);
}

/**
 * A dedicated client (LISTEN holds its connection for good, so it cannot come from the query pool). When the
 * connection drops it reconnects after a second; events sent meanwhile are lost, which the events' safety-net timer
 * covers (a lost event costs seconds, never money).
 */
export async function openNotifyChannel(
  url: string,
  schema: string,
  onMessage: (payload: string) => void,
  onError: (err: Error) => void,
): Promise<NotifyChannel> {
  const name = channelName(schema);
  let client: pg.Client | undefined;
  let closed = false;
  let connecting: Promise<pg.Client> | undefined;

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    c.on("notification", (msg) => {
      if (msg.channel === name && msg.payload !== undefined) onMessage(msg.payload);
    });
    c.on("error", (err) => {
      onError(err);
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      if (!closed) setTimeout(() => void ensure().catch(onError), RECONNECT_MS).unref();
    });
    await c.connect();
    await c.query(`LISTEN "${name}"`);
    return c;
  };
  const ensure = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client);
    connecting ??= connect().then(
      (c) => {
        connecting = undefined;
        if (closed) {
          void c.end();
          throw new Error("notify channel closed");
        }
        client = c;
        return c;
      },
      (err: unknown) => {
        connecting = undefined;
        throw err;
      },
    );
    return connecting;
  };
  await ensure();

  return {
    name,
    async send(payload) {
      if (Buffer.byteLength(payload) > MAX_PAYLOAD) throw new Error("notify payload too large");
      const c = await ensure();
      await c.query("SELECT pg_notify($1, $2)", [name, payload]);
    },
    async close() {
      closed = true;
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
