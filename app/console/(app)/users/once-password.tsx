/** A secret shown once (a generated password), in a box that is easy to copy from. */
export function OncePassword({ text, password }: { text: string; password: string }) {
  return (
    <div role="status" className="rounded-xl border border-green-300 bg-green-50 px-4 py-3 text-sm text-green-900">
      <p>{text}</p>
      <p data-testid="once-password" className="mt-2 font-mono text-base font-semibold tracking-wide select-all">
        {password}
      </p>
    </div>
  );
}
