"use client";

import { useState } from "react";

/** A read-only text to hand over (a key): selectable as is, and a button that copies it where the browser allows. */
export function CopyBox({
  text,
  label,
  copyLabel,
  copiedLabel,
  testId,
}: {
  text: string;
  label: string;
  copyLabel: string;
  copiedLabel: string;
  testId: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-1">
      <textarea
        readOnly
        aria-label={label}
        data-testid={testId}
        value={text}
        rows={Math.min(12, Math.max(3, text.split("\n").length + 1, Math.ceil(text.length / 64)))}
        onFocus={(e) => e.currentTarget.select()}
        className="block w-full resize-none rounded-lg border border-gray-300 bg-gray-50 p-2 font-mono text-xs break-all text-gray-900"
      />
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => setCopied(true));
        }}
        className="rounded-lg border border-gray-300 px-3 py-1 text-sm text-gray-800 hover:bg-gray-50"
      >
        {copied ? copiedLabel : copyLabel}
      </button>
    </div>
  );
}
