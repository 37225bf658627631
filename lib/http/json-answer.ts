import "server-only";

/**
 * JSON answers whose text the fast lane can write as it is. A `Response`'s body is a web stream: reading it back
 * (`arrayBuffer()`) cost more than building the answer on the merchant API's busiest routes (npm run bench:protocols,
 * profiled). The merchant handlers build their JSON here, which keeps the text beside the response; the lane
 * (lib/http/fast-lane.ts `send`) writes that text and never touches the stream, while Next.js, serving the same
 * handlers under `next dev`, reads the body as from any other response.
 */
const texts = new WeakMap<Response, string>();

/** `Response.json(body, init)` (the same status, headers and `content-type: application/json`), its text kept. */
export function jsonAnswer(body: unknown, init: ResponseInit = {}): Response {
  const text = JSON.stringify(body);
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  const response = new Response(text, { ...init, headers });
  texts.set(response, text);
  return response;
}

/** The text of an answer built by `jsonAnswer`; undefined for any other response (read its body instead). */
export function answerText(response: Response): string | undefined {
  return texts.get(response);
}
