import { payerHandler } from "@/lib/http/payer-handler";
import { sandboxPayRoute } from "@/lib/http/sandbox-pay-route";

export const POST = payerHandler(sandboxPayRoute);
