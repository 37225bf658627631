import { handleSandboxPay } from "@/lib/http/sandbox-pay-handler";

export const POST = handleSandboxPay;
