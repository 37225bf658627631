import type { ButtonHTMLAttributes } from "react";

/**
 * The console forms' main button (save, create, confirm). No "use client": server pages use it as is, and client
 * forms pass it their handlers.
 */
export function PrimaryButton(button: Omit<ButtonHTMLAttributes<HTMLButtonElement>, "className">) {
  return (
    <button
      {...button}
      className="rounded-lg bg-[#1061d6] px-4 py-2 font-medium text-white hover:bg-[#0d52b8] disabled:opacity-60"
    />
  );
}
