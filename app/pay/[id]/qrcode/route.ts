import { payerHandler } from "@/lib/http/payer-handler";
import { payUrlPngRoute } from "@/lib/http/payer-routes";

export const GET = payerHandler(payUrlPngRoute);
