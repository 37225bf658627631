import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/console/page-auth";

export const metadata: Metadata = { title: "Paydesk · Console" };

/**
 * Every page below needs a signed-in operator (each page checks again, with its role: layouts and pages render
 * independently; the account page must open for an account that still has to enrol in TOTP).
 */
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  await requireConsoleSession();
  return children;
}
