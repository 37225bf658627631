import { accountRoutes } from "@/lib/http/console-account-routes";

export const POST = accountRoutes.createUserRoute;
