import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROCESS_STATE, processSingleton, readProcessState, writeProcessState } from "@/lib/process-state";

const globals = globalThis as unknown as Record<string, unknown>;

describe("process-wide state", () => {
  afterEach(() => writeProcessState("reconcile", undefined));

  it("creates a slot's value once and hands the same one to every caller", () => {
    let made = 0;
    const create = () => ({ n: ++made });
    const first = processSingleton("reconcile", create);
    expect(processSingleton("reconcile", create)).toBe(first);
    expect(made).toBe(1);
    expect(readProcessState("reconcile")).toBe(first);
  });

  it("keeps each slot on globalThis under its __paydesk key, where a second copy of a module finds it", () => {
    const value = processSingleton("reconcile", () => new Map());
    expect(globals.__paydeskReconcile).toBe(value);
    writeProcessState("reconcile", undefined);
    expect(processSingleton("reconcile", () => new Map())).not.toBe(value);
  });

  it("names every slot __paydesk… (test/support/per-file-reset.ts resets by that prefix), each key once", () => {
    const keys = Object.values(PROCESS_STATE);
    for (const key of keys) expect(key).toMatch(/^__paydesk[A-Z]/);
    expect(new Set(keys).size).toBe(keys.length);
    // The two slots the reset keeps must still exist under those names.
    expect(keys).toEqual(expect.arrayContaining(["__paydeskDb", "__paydeskLog"]));
  });

  it("is the one place lib/ keeps state on globalThis (besides the Symbol.for keys its header names)", () => {
    const lib = path.join(process.cwd(), "lib");
    const SYMBOL_KEYED = ["lib/http/client-ip.ts", "lib/http/fast-lane.ts"];
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
          const rel = path.relative(process.cwd(), full).split(path.sep).join("/");
          if (rel === "lib/process-state.ts" || SYMBOL_KEYED.includes(rel)) continue;
          if (/globalThis\s+as\b|__paydesk[A-Z]/.test(fs.readFileSync(full, "utf8"))) offenders.push(rel);
        }
      }
    };
    walk(lib);
    expect(offenders).toEqual([]);
  });
});
