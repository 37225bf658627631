import "server-only";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { handleMetrics } from "./metrics-handler";
import { handleVmqMonitor } from "./monitor-handler";
import { handleNotify } from "./provider-notify-handler";
import { handleVmqApi } from "./vmq-handler";

/**
 * Route handlers for the app/ routes whose handler takes path segments as arguments: each unwraps Next's `params`
 * and calls the handler the fast lane calls too, so a route file stays one line (`export const POST = notifyRoute();`).
 */

type ContextFactory = () => Promise<AppContext>;
type Segments<P> = { params: Promise<P> };

/** `/api/notify/{channel}` (a provider's notification, or a browser it sends back): `handleNotify`. */
export function notifyRoute(contextFactory: ContextFactory = getAppContext) {
  return async (request: Request, { params }: Segments<{ channel: string }>): Promise<Response> =>
    handleNotify(request, (await params).channel, contextFactory);
}

/** `/api/vmq/{channel}/appHeart` and `/appPush` (the V免签 monitor app): `handleVmqMonitor`. */
export function vmqMonitorRoute(contextFactory: ContextFactory = getAppContext) {
  return async (request: Request, { params }: Segments<{ channel: string }>): Promise<Response> =>
    handleVmqMonitor(request, (await params).channel, contextFactory);
}

/** `/vmq/{appkey}/{action}` (a shop built for V免签): `handleVmqApi`. */
export function vmqApiRoute(contextFactory: ContextFactory = getAppContext) {
  return async (request: Request, { params }: Segments<{ appkey: string; action: string }>): Promise<Response> => {
    const { appkey, action } = await params;
    return handleVmqApi(request, appkey, action, contextFactory);
  };
}

/** `GET /api/metrics` (Prometheus, behind its token): `handleMetrics`. */
export function metricsRoute(contextFactory: ContextFactory = getAppContext) {
  return (request: Request): Promise<Response> => handleMetrics(request, contextFactory);
}
