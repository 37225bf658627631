import "server-only";
import QRCode from "qrcode";

/** PNGs kept in memory: an order's QR never changes, and a page asks for it on every load. ~1–3 KiB each. */
const MAX_CACHED = 2_000;
const cache = new Map<string, Promise<Buffer>>();

function render(text: string, size: number): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: "png", errorCorrectionLevel: "H", margin: 2, width: size });
}

/**
 * A PNG QR code (high error correction, so a logo or a smudge does not break it), rendered once per text and size
 * and then served from memory (least recently used dropped first).
 */
export function qrPng(text: string, size = 300): Promise<Buffer> {
  const key = `${size}\n${text}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const png = render(text, size);
  cache.set(key, png);
  png.catch(() => cache.delete(key));
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return png;
}
