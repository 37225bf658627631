import type { ReactNode } from "react";

const TONES = {
  ok: { role: "status", className: "border-green-300 bg-green-50 text-green-900" },
  refused: { role: "alert", className: "border-red-300 bg-red-50 text-red-900" },
  warning: { role: "alert", className: "border-amber-300 bg-amber-50 text-amber-900" },
} as const;

/**
 * One boxed line above a console page's content: an action's outcome (`ok`, `refused`) or a warning. Nothing is
 * drawn without `children`, so a page can pass an optional message straight in.
 */
export function FlashLine({
  tone,
  testId = "flash",
  children,
}: {
  tone: keyof typeof TONES;
  testId?: string;
  children: ReactNode;
}) {
  if (children === undefined || children === null || children === "" || children === false) return null;
  const t = TONES[tone];
  return (
    <p role={t.role} data-testid={testId} className={`rounded-xl border px-4 py-2 text-sm ${t.className}`}>
      {children}
    </p>
  );
}
