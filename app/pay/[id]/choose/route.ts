import { chooseRoute } from "@/lib/http/choose-route";

export const POST = chooseRoute();
