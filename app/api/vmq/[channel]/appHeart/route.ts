import { handleVmqMonitor } from "@/lib/http/monitor-handler";

type Context = { params: Promise<{ channel: string }> };

export async function GET(request: Request, { params }: Context): Promise<Response> {
  return handleVmqMonitor(request, (await params).channel);
}

export const POST = GET;
