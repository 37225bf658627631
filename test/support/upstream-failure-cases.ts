import { expect, it } from "vitest";
import type { ChannelConfig } from "@/lib/providers/registry";
import type { EmulatorFaults } from "@/test/support/emulators";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";

/** What the shared cases need from a provider test: its emulator, its harness and a fresh out_order_id. */
export interface UpstreamFailureSetup {
  emu(): { setFaults(f: Partial<EmulatorFaults>): void };
  h(): ProviderHarness;
  ref(): string;
  price: string;
  type: string;
  /** The provider's own error envelope: the message the emulator sends, which the 208 must carry. */
  errorMessage: string;
  /** The HTTP error status to try (each provider fronts a different gateway). */
  httpStatus: number;
}

/**
 * The create-time failure cases every HTTP provider must pass the same way: a slow upstream is cut off at the
 * channel's timeout, and any upstream refusal becomes 208 with the upstream's reason — never an order left behind.
 * Registers its tests in the caller's describe block; the channel's timeout_ms must be 500.
 */
export function upstreamFailureCases(s: UpstreamFailureSetup): void {
  it("answers 208 within the channel timeout on a slow upstream and leaves no order", async () => {
    s.emu().setFaults({ delayMs: 1500 });
    const outOrderId = s.ref();
    const started = Date.now();
    const res = await s.h().create({ price: s.price, type: s.type, out_order_id: outOrderId });
    expect(Date.now() - started).toBeLessThan(1200);
    expect(res.code).toBe(208);
    expect(await s.h().orderByRef(outOrderId)).toBeUndefined();
    expect((await s.h().query(outOrderId)).code).toBe(199);
  });

  it.each([
    ["an error envelope", { errorMessage: s.errorMessage }, s.errorMessage],
    [`HTTP ${s.httpStatus}`, { httpStatus: s.httpStatus }, `HTTP ${s.httpStatus}`],
    ["a garbage body", { garbage: true }, "无法解析"],
  ])("answers 208 with the upstream's reason on %s", async (_name, faults, text) => {
    s.emu().setFaults(faults);
    const outOrderId = s.ref();
    const res = await s.h().create({ price: s.price, type: s.type, out_order_id: outOrderId });
    expect(res.code).toBe(208);
    expect(res.msg).toContain(text);
    expect(await s.h().orderByRef(outOrderId)).toBeUndefined();
  });
}

/** An emulator that records, per order it received, whether Paydesk's signature checked out. */
export interface SigningEmulator {
  orders: { signatureValid: boolean }[];
  close(): Promise<unknown>;
}

/**
 * The wrong-credential case every signing provider must pass the same way: Paydesk signs with a key the platform
 * does not know, the platform refuses the signature, and the shop gets 208 carrying the platform's `reason`.
 * Closes the emulator when done.
 */
export async function expectWrongKeyRefused(
  emu: SigningEmulator,
  channel: ChannelConfig,
  order: { price: string; type: string; out_order_id: string },
  reason: string,
): Promise<void> {
  const h = await startProviderHarness([channel]);
  try {
    const res = await h.create(order);
    expect(res.code).toBe(208);
    expect(res.msg).toContain(reason);
    expect(emu.orders[0]!.signatureValid).toBe(false);
  } finally {
    await h.close();
    await emu.close();
  }
}
