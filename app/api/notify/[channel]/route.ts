import { handleNotify } from "@/lib/http/provider-notify-handler";

type Context = { params: Promise<{ channel: string }> };

export async function POST(request: Request, { params }: Context): Promise<Response> {
  return handleNotify(request, (await params).channel);
}

export const GET = POST;
