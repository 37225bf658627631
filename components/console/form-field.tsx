import type { InputHTMLAttributes, ReactNode } from "react";

const INPUT_CLASS = "mt-1 block w-full rounded-lg border border-gray-300 px-3 py-2";

/**
 * A labelled input of the console's own forms (sign-in, first-run setup): the label above, the input full width.
 * `className` adds to the input's look; `children` follow the input inside the label (a help line).
 */
export function FormField({
  label,
  className,
  children,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; children?: ReactNode }) {
  return (
    <label className="block text-sm">
      <span className="text-gray-700">{label}</span>
      <input {...input} className={className ? `${INPUT_CLASS} ${className}` : INPUT_CLASS} />
      {children}
    </label>
  );
}
