import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildReason } from "../scripts/build-freshness.mjs";

describe("npm start builds only when needed", () => {
  it("builds without a build, skips when the build is newer than every source, rebuilds after a source change", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-start-"));
    fs.mkdirSync(path.join(root, "lib", "orders"), { recursive: true });
    const source = path.join(root, "lib", "orders", "x.ts");
    fs.writeFileSync(source, "export {};");
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(source, past, past);
    fs.utimesSync(path.join(root, "lib", "orders"), past, past);
    fs.utimesSync(path.join(root, "lib"), past, past);
    expect(buildReason(root, {})).toBe("no build yet");
    fs.mkdirSync(path.join(root, ".next"));
    fs.writeFileSync(path.join(root, ".next", "BUILD_ID"), "b1");
    expect(buildReason(root, {})).toBeNull();
    // Data, tests and dot-folders are not sources.
    fs.mkdirSync(path.join(root, "data"));
    fs.writeFileSync(path.join(root, "data", "paydesk.db"), "");
    const unitTest = path.join(root, "lib", "orders", "x.test.ts");
    fs.writeFileSync(unitTest, "");
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(unitTest, later, later);
    fs.utimesSync(path.join(root, "lib", "orders"), past, past);
    expect(buildReason(root, {})).toBeNull();
    const future = new Date(Date.now() + 5_000);
    fs.utimesSync(source, future, future);
    expect(buildReason(root, {})).toBe("sources changed since the last build");
    expect(buildReason(root, { PAYDESK_FORCE_BUILD: "1" })).toBe("PAYDESK_FORCE_BUILD=1");
  });
});
