import { resendShopRoute } from "@/lib/http/console-routes";

export const POST = resendShopRoute;
