/** A request body over the configured limit; answered 413 by every caller. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = "BodyTooLarge";
  }
}

/** A request body that did not arrive in time (a client dripping it to hold a socket); answered 408. */
export class BodyTimeout extends Error {
  constructor(readonly ms: number) {
    super(`request body not received within ${ms} ms`);
    this.name = "BodyTimeout";
  }
}

/**
 * How long a body may take to arrive, from when reading starts (or, on the fast lane, from when the request came in).
 * Paydesk's bodies are at most `max_body_bytes` (64 KB): 20 s is 3 KB/s, slower than any real client. Under
 * `npm start` scripts/server-edge.mjs also cuts every request (Next.js routes included) at the socket.
 */
export const BODY_READ_TIMEOUT_MS = 20_000;

const deadlines = new WeakMap<Request, number>();

/** Sets when this request's body must have arrived (epoch ms): the fast lane counts from the request's arrival. */
export function setBodyDeadline(request: Request, at: number): void {
  deadlines.set(request, at);
}

/**
 * The one body reader of Paydesk's own endpoints (merchant API, provider notifies, sandbox): refuses by
 * `Content-Length` before reading anything, then counts the streamed BYTES and stops reading at the limit, so a huge
 * or lying body never sits in memory; and stops waiting at the request's deadline (`BodyTimeout`), so a body dripped
 * a byte at a time cannot hold the handler. Decodes as UTF-8 (a bad sequence becomes U+FFFD and fails any signature).
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes)
    throw new BodyTooLarge(maxBytes);
  if (!request.body) return "";
  const deadline = deadlines.get(request) ?? Date.now() + BODY_READ_TIMEOUT_MS;
  const allowed = deadline - Date.now();
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyTimeout(Math.max(0, allowed))), Math.max(0, allowed));
  });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), late]);
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new BodyTooLarge(maxBytes);
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}
