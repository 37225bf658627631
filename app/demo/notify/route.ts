import { getAppContext } from "@/lib/context";
import { receiveDemoNotify } from "@/lib/demo/demo-shop";

/** The demo shop's notify_url: answers `success` only for a correctly signed notification. */
export async function POST(request: Request): Promise<Response> {
  const answer = await receiveDemoNotify(await getAppContext(), await request.text());
  return new Response(answer, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
