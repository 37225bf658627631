import { handleMetrics } from "@/lib/http/metrics-handler";

export async function GET(request: Request): Promise<Response> {
  return handleMetrics(request);
}
