#!/usr/bin/env node
/**
 * `npm start`: serve the production build, building it first only when there is none or a source is newer than it.
 * A plain restart therefore serves within seconds instead of rebuilding the artifact it is about to serve (the old
 * `prestart: next build`). Arguments are passed on to `next start` (e.g. `npm start -- -p 4000`).
 * `PAYDESK_FORCE_BUILD=1` rebuilds anyway (a deploy script that wants to be sure).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const BUILD_ID = path.join(root, ".next", "BUILD_ID");
// Everything that goes into the build. Data, tests and e2e do not.
const SOURCES = ["app", "components", "lib", "public", "proxy.ts", "instrumentation.ts", "next.config.ts", "package.json", "package-lock.json", "tsconfig.json", "postcss.config.mjs"];

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its folder's mtime
  for (const name of fs.readdirSync(entry)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

function buildReason() {
  if (process.env.PAYDESK_FORCE_BUILD === "1") return "PAYDESK_FORCE_BUILD=1";
  if (!fs.existsSync(BUILD_ID)) return "no build yet";
  const built = fs.statSync(BUILD_ID).mtimeMs;
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newest > built ? "sources changed since the last build" : null;
}

const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const reason = buildReason();
if (reason) {
  console.log(`paydesk: building (${reason})…`);
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else {
  console.log("paydesk: build is up to date, starting");
}
const server = spawn(process.execPath, [nextBin, "start", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
