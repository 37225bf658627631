import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { LOCALE_HEADER, localeFromHeader } from "@/lib/i18n/locale";
import "./globals.css";

export const metadata: Metadata = {
  title: "Paydesk 收银台",
  description: "Paydesk hosted checkout",
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#f5f6f8" };

/** zh-CN everywhere but on a cashier page that proxy.ts resolved to another language. */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const lang = localeFromHeader((await headers()).get(LOCALE_HEADER));
  return (
    <html lang={lang}>
      <body className="min-h-screen bg-[#f5f6f8] text-gray-900 antialiased">{children}</body>
    </html>
  );
}
