import { handleVmqApi } from "@/lib/http/vmq-handler";

type Context = { params: Promise<{ appkey: string; action: string }> };

export async function GET(request: Request, { params }: Context): Promise<Response> {
  const { appkey, action } = await params;
  return handleVmqApi(request, appkey, action);
}

export const POST = GET;
