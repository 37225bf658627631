/**
 * A stored code in the console's words with the code itself beside it in small grey type (the label tables are in
 * lib/console/status-label.ts): operators read the words, support and the logs speak in the code. A code no table
 * knows has no label of its own, so it is shown once.
 */
export function CodedLabel({ label, code, codeTitle }: { label: string; code: string; codeTitle: string }) {
  return (
    <span data-code={code}>
      {label}
      {label !== code ? (
        <code title={codeTitle} className="ml-1 font-mono text-[11px] text-gray-500">
          {code}
        </code>
      ) : null}
    </span>
  );
}
