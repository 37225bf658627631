/**
 * Money inside Paydesk is integer fen. Yuan strings exist only at protocol edges, and are parsed here without ever
 * going through floating point (`"0.1" + "0.2"` must not become 0.30000000000000004 yuan).
 */

/** Largest price Paydesk accepts: 10 million yuan, far below Number.MAX_SAFE_INTEGER fen. */
export const MAX_FEN = 1_000_000_000;

const YUAN_PATTERN = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/**
 * Parses a yuan string as the merchant protocol allows it (`^\d+(\.\d{1,2})?$`) into fen.
 * Returns null for anything else: signs, exponents, spaces, a third decimal, empty strings, or more than MAX_FEN.
 */
export function parseYuan(input: string): number | null {
  const match = YUAN_PATTERN.exec(input);
  if (!match) return null;
  const whole = Number(match[1]);
  const decimals = (match[2] ?? "").padEnd(2, "0");
  const fen = whole * 100 + Number(decimals);
  if (!Number.isSafeInteger(fen) || fen > MAX_FEN) return null;
  return fen;
}

/** Formats fen as a yuan string with exactly two decimals, e.g. 1023 → "10.23". */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Parses a non-negative integer fen string as providers send it ("1023"); null when it is not one. */
export function parseFen(input: string): number | null {
  if (!/^\d{1,10}$/.test(input)) return null;
  const fen = Number(input);
  return fen <= MAX_FEN ? fen : null;
}
