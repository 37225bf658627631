import { afterEach, beforeEach } from "vitest";
import type { ConfigFile } from "@/lib/config/schema";
import type { DatabaseHandle } from "@/lib/storage/database";
import { openTestDatabase, testConfigFile } from "@/test/support/test-context";

/**
 * A fresh migrated SQLite database for every test of the file (opened before each, closed after each); the returned
 * object is filled in by the `beforeEach`. Call it at the top level of the file.
 */
export function databaseForEachTest(): DatabaseHandle {
  const handle = {} as DatabaseHandle;
  beforeEach(async () => {
    Object.assign(handle, await openTestDatabase("sqlite"));
  });
  afterEach(() => handle.close());
  return handle;
}

/** The test config with two channels: the sandbox and a V免签 phone `phone` (key `vmq-key`) that a monitor watches. */
export function sandboxAndPhoneConfigFile(): ConfigFile {
  return testConfigFile({
    channels: [
      { id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"] },
      { id: "phone", provider: "vmq", types: ["alipay"], key: "vmq-key", codes: { alipay: "https://qr.alipay.com/x" } },
    ] as ConfigFile["channels"],
  });
}
