import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * A random base62 string. Rejection sampling keeps every character uniform (a plain `byte % 62` would favour the
 * first characters).
 */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/**
 * The public order id is the payer's capability to see and pay the order, so it must be unguessable:
 * 24 base62 characters carry ~142 random bits (the contract asks for ≥ 96), within the 32-character limit.
 */
export function newOrderId(): string {
  return randomBase62(24);
}

/** The contract's shape of an order id; anything else is answered "not found" without touching storage. */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9]{1,32}$/;
