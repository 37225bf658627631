import { z } from "zod";

/**
 * A merchant reference (out_order_id, custom) of at most `max` characters with no control characters: they are
 * stored, echoed in notifications and shown in the back office, and NUL cannot be stored by PostgreSQL at all.
 * Refused with code 105, the code an over-long value already gets.
 */
export const printable = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !hasControlCharacter(v), "must not contain control characters");

/** C0 controls (NUL … U+001F) and DEL. */
export function hasControlCharacter(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
