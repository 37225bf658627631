/*
 * What the cashier's wallet buttons do with a deep link; the links themselves are built in lib/wallet-links.ts.
 */

/** How long a wallet button ignores further taps: a second tap while the app switch is under way opens it twice. */
export const WAKE_LOCK_MS = 2500;
