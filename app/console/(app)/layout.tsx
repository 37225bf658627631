import type { Metadata } from "next";
import { requireConsoleUser } from "@/lib/console/page-auth";

export const metadata: Metadata = { title: "Paydesk · Console" };

/** Every page below needs a signed-in operator (each page checks again: layouts and pages render independently). */
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  await requireConsoleUser();
  return children;
}
