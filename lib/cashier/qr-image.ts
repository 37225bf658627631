import "server-only";
import QRCode from "qrcode";

/** A PNG QR code (high error correction, so a logo or a smudge does not break it). */
export function qrPng(text: string, size = 300): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: "png", errorCorrectionLevel: "H", margin: 2, width: size });
}
