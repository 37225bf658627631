import "server-only";
import { findChannel } from "@/lib/config/find";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { handleNotify } from "./provider-notify-handler";

/**
 * `/api/vmq/{channel}/appHeart` and `/appPush`: the V免签 monitor app's calls (the app's host setting is
 * `{base}/api/vmq/{channel}`). Only a vmq channel answers here; the channel's provider verifies and the call then
 * takes the one provider-notification path (heartbeat recorded, payment applied once).
 */
export async function handleVmqMonitor(
  request: Request,
  channelId: string,
  contextFactory: () => Promise<AppContext> = getAppContext,
): Promise<Response> {
  const ctx = await contextFactory();
  if (findChannel(ctx.config, channelId)?.provider !== "vmq") return new Response("unknown channel", { status: 404 });
  return handleNotify(request, channelId, async () => ctx);
}
