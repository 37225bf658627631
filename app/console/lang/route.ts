import { languageRoute } from "@/lib/http/console-routes";

export const GET = languageRoute;
