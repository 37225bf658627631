import { z } from "zod";

/**
 * A merchant reference (out_order_id, custom) of at most `max` characters with no control characters: they are
 * stored, echoed in notifications and shown in the back office, and NUL cannot be stored by PostgreSQL at all.
 * Refused with code 105, the code an over-long value already gets.
 */
export const printable = (max: number) =>
  z.string().max(max).refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "must not contain control characters");
