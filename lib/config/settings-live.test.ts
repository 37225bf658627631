import { randomBytes } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import pino from "pino";
import { createEventBus, LocalEventBus, type EventBus } from "@/lib/events/event-bus";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { storageAccess } from "@/lib/storage/repositories";
import { describeOnDatabases } from "@/test/support/databases";
import { settingsFixture } from "@/test/support/settings-fixture";
import { dropTestSchema, openTestDatabase, testAppConfig, TEST_PG_URL } from "@/test/support/test-context";
import type { AppConfig } from "./load";
import { startSettingsSync, type SettingsSync } from "./settings-live";
import { saveSettingsDocument, type SettingsSource } from "./settings-store";

/** One instance: its own config holder (the process's slot in production), its bus, its sync. */
interface Instance {
  config: AppConfig;
  errors: string[];
  bus: EventBus;
  sync: SettingsSync;
  handle: DatabaseHandle;
  save(json: unknown, user: string): ReturnType<typeof saveSettingsDocument>;
}

async function instance(
  handle: DatabaseHandle,
  bus: EventBus,
  options: { source: SettingsSource; file?: ReturnType<typeof settingsFixture>; pollMs?: number },
): Promise<Instance> {
  const repo = storageAccess(handle.db).repos.settings;
  const inst = {
    config: {
      ...testAppConfig(),
      settingsSource: options.source,
      ...(options.file ? { fileDocument: options.file } : {}),
    },
    errors: [] as string[],
    bus,
    handle,
  } as Instance;
  const log = pino({ level: "silent" });
  const publish = (version: number) => bus.publish({ type: "settings.changed", version });
  inst.sync = await startSettingsSync({
    repo,
    onChanged: (listener) =>
      bus.subscribe((e) => {
        if (e.type === "settings.changed") listener(e.version);
      }),
    publish,
    log: {
      info: log.info.bind(log),
      warn: log.warn.bind(log),
      error: (obj: object) => void inst.errors.push(JSON.stringify(obj)),
    } as never,
    current: () => inst.config,
    swap: (c) => {
      inst.config = c;
    },
    now: () => Date.now(),
    pollMs: options.pollMs ?? 0,
  });
  inst.save = async (json, user) => {
    const version = (await repo.readSettings())?.version ?? 0;
    return saveSettingsDocument(repo, publish, {
      json,
      expectedVersion: version,
      user,
      action: "console",
      at: Date.now(),
      source: inst.config.settingsSource ?? "file",
    });
  };
  return inst;
}

/** Milliseconds until `check` holds (polled every 5 ms), failing after `limitMs`. */
async function within(limitMs: number, check: () => boolean): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - start;
}

describeOnDatabases("settings applied live", (dialect) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  /** Two instances on one database: two handles and two PostgreSQL buses, or one SQLite file with its in-process bus. */
  async function pair(file = settingsFixture()): Promise<[Instance, Instance]> {
    if (dialect === "sqlite") {
      const handle = await openTestDatabase("sqlite");
      const bus = new LocalEventBus();
      cleanup.push(() => handle.close());
      return [
        await instance(handle, bus, { source: "database", file }),
        await instance(handle, bus, { source: "database", file }),
      ];
    }
    const schema = `paydesk_test_${randomBytes(6).toString("hex")}`;
    const handles = [
      await openDatabase(TEST_PG_URL, { pgSchema: schema }),
      await openDatabase(TEST_PG_URL, { pgSchema: schema }),
    ];
    const buses = await Promise.all(handles.map((h) => createEventBus(h, pino({ level: "silent" }))));
    cleanup.push(async () => {
      for (const b of buses) await b.close();
      for (const h of handles) await h.close();
      await dropTestSchema(schema);
    });
    return [
      await instance(handles[0]!, buses[0]!, { source: "database", file }),
      await instance(handles[1]!, buses[1]!, { source: "database", file }),
    ];
  }

  it("imports the file on a first start, then a save on A is used by B within 1 s (the event, no poll)", async () => {
    const [a, b] = await pair();
    // A imported the file (version 1); B found the row and applied the same.
    expect(a.config.settingsVersion).toBe(1);
    expect(b.config.settingsVersion).toBe(1);
    const renamed = settingsFixture();
    renamed.merchants[0]!.name = "Renamed live";
    const t0 = performance.now();
    expect(await a.save(renamed, "alice")).toMatchObject({ ok: true, version: 2 });
    const ms = await within(1000, () => b.config.merchants[0]!.name === "Renamed live");
    console.log(
      `[settings live ${dialect}] B applied A's save ${(performance.now() - t0).toFixed(1)} ms after it began (${ms.toFixed(1)} ms after commit)`,
    );
    expect(b.config.settingsVersion).toBe(2);
    expect(a.config.merchants[0]!.name).toBe("Renamed live");
    const audit = await storageAccess(a.handle.db).repos.settings.listSettingsAudit();
    expect(audit.map((r) => [r.version, r.action, r.user])).toEqual([
      [2, "console", "alice"],
      [1, "file-import", "paydesk"],
    ]);
    a.sync.stop();
    b.sync.stop();
  });

  it("keeps the config in use when the stored document fails validation on load", async () => {
    const [a, b] = await pair();
    const repo = storageAccess(a.handle.db).repos.settings;
    // Written past the store (as an older release or a hand edit might): a short secret the start would refuse.
    const bad = settingsFixture();
    bad.merchants[0]!.appsecret = "twenty-char-secret!!";
    expect(
      await repo.saveSettings({ expectedVersion: 1, document: bad, at: 1, user: "x", action: "test", diff: [] }),
    ).toMatchObject({ ok: true });
    await a.bus.publish({ type: "settings.changed", version: 2 });
    await within(1000, () => b.errors.length > 0);
    expect(b.errors[0]).toContain("appsecret must be at least 32 characters");
    expect(b.config.settingsVersion).toBe(1);
    expect(b.config.merchants[0]!.appsecret).toBe(settingsFixture().merchants[0]!.appsecret);
    a.sync.stop();
    b.sync.stop();
  });

  it('with settings_source "file" the database copy follows the file and is never applied from elsewhere', async () => {
    const handle = await openTestDatabase(dialect);
    cleanup.push(() => handle.close());
    const bus = new LocalEventBus();
    const first = await instance(handle, bus, { source: "file", file: settingsFixture() });
    expect(first.config.settingsVersion).toBeUndefined();
    first.sync.stop();
    const edited = settingsFixture({ demo_shop: true });
    const second = await instance(handle, bus, { source: "file", file: edited });
    const repo = storageAccess(handle.db).repos.settings;
    expect((await repo.readSettings())!.version).toBe(2);
    expect((await repo.readSettings())!.document).toEqual(edited);
    expect((await repo.listSettingsAudit())[0]).toMatchObject({
      action: "file-sync",
      diff: ["~ demo_shop: false → true"],
    });
    expect(await second.save(settingsFixture(), "alice")).toMatchObject({ ok: false, reason: "read-only" });
    second.sync.stop();
  });

  it("the poll alone catches a change whose event was lost (another process on the file, a dropped connection)", async () => {
    const handle = await openTestDatabase(dialect);
    cleanup.push(() => handle.close());
    const b = await instance(handle, new LocalEventBus(), { source: "database", file: settingsFixture(), pollMs: 100 });
    const repo = storageAccess(handle.db).repos.settings;
    const doc = settingsFixture({ demo_shop: true });
    expect(
      await repo.saveSettings({
        expectedVersion: 1,
        document: doc,
        at: 1,
        user: "cli",
        action: "import-config",
        diff: [],
      }),
    ).toMatchObject({ ok: true });
    await within(1000, () => b.config.demoShop);
    expect(b.config.settingsVersion).toBe(2);
    b.sync.stop();
  });
});
