import { handleSandboxPay } from "@/lib/http/sandbox-pay-handler";

// Not `POST = handleSandboxPay`: Next passes the route context as the second argument.
export async function POST(request: Request): Promise<Response> {
  return handleSandboxPay(request);
}
