import type { CashierModel } from "@/lib/cashier/page-model";
import type { Messages } from "@/lib/i18n/zh-cn";
import { LiveCountdown, RecheckButton, SimulateButton } from "./live-islands";
import { CancelLink } from "./parts";

/*
 * Pieces the computer and phone layouts both draw, differing only in size. Server components on purpose: the
 * cashier's client code stays the islands it already had (live-islands.tsx), so its page weight does not grow.
 */

/** "Time left" and the live countdown under the amount. */
export function TimeLeft({ m, countdownClassName }: { m: Messages; countdownClassName: string }) {
  return (
    <p className="mt-2 text-sm text-gray-600 dark:text-gray-400">
      {m.timeLeftLabel} <LiveCountdown className={countdownClassName} />
    </p>
  );
}

/** The payer's actions: recheck, the sandbox's "simulate", the sandbox note and "back to the shop". */
export function PayActions({
  model,
  m,
  recheckClassName,
}: {
  model: CashierModel;
  m: Messages;
  recheckClassName: string;
}) {
  return (
    <>
      <RecheckButton className={recheckClassName} />
      <SimulateButton />
      {model.sandbox ? (
        <p className="mt-2 text-center text-xs text-gray-600 dark:text-gray-400">{m.sandboxNote}</p>
      ) : null}
      <CancelLink href={model.backUrl} m={m} />
    </>
  );
}
