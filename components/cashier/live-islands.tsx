"use client";

import { useRef } from "react";
import { WAKE_LOCK_MS } from "@/lib/cashier/deep-links";
import { useLive } from "./cashier-live";
import { formatCountdown } from "@/lib/cashier/countdown";

/** The countdown text; "confirming" at zero until the server has spoken. */
export function LiveCountdown({ className }: { className?: string }) {
  const { secondsLeft, confirming, text } = useLive();
  return (
    <span className={className} data-testid="countdown" aria-live="off">
      {confirming ? text.statusConfirming : formatCountdown(secondsLeft)}
    </span>
  );
}

/** "I have paid": rechecks at once instead of waiting for the next poll, and says so when nothing arrived yet. */
export function RecheckButton({ className }: { className?: string }) {
  const { recheck, checking, notYetPaid, text } = useLive();
  return (
    <div>
      <button
        type="button"
        onClick={() => void recheck()}
        disabled={checking}
        className={className}
        data-testid="i-have-paid"
      >
        {checking ? text.checking : text.iHavePaid}
      </button>
      {notYetPaid ? (
        <p className="mt-2 text-sm text-gray-600 dark:text-gray-400" data-testid="not-yet-paid">
          {text.notYetPaid}
        </p>
      ) : null}
    </div>
  );
}

export function SimulateButton() {
  const { sandbox, simulate, simulating, simulateError, text } = useLive();
  if (!sandbox) return null;
  return (
    <div className="mt-4">
      <button
        type="button"
        onClick={() => void simulate()}
        disabled={simulating}
        className="min-h-11 w-full rounded-xl border border-dashed border-gray-400 px-4 text-gray-700 hover:bg-gray-50 dark:border-gray-500 dark:text-gray-200 dark:hover:bg-gray-800"
      >
        {simulating ? text.simulating : text.simulatePay}
      </button>
      {simulateError ? (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          {text.simulateFailed}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The wallet button: a real link (works without JavaScript), with a 2.5 s re-entry lock, since a second tap while the
 * OS switches apps opens the wallet twice or shows an error sheet.
 */
export function WalletLink({
  href,
  className,
  children,
}: {
  href: string;
  className: string;
  children: React.ReactNode;
}) {
  const lockedUntil = useRef(0);
  return (
    <a
      href={href}
      className={className}
      data-testid="wallet-button"
      onClick={(event) => {
        const now = performance.now();
        if (now < lockedUntil.current) event.preventDefault();
        else lockedUntil.current = now + WAKE_LOCK_MS;
      }}
    >
      {children}
    </a>
  );
}
