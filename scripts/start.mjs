#!/usr/bin/env node
/**
 * `npm start`: serve the production build, building it first only when there is none or a source is newer than it.
 * A plain restart therefore serves within seconds instead of rebuilding the artifact it is about to serve (the old
 * `prestart: next build`). It then runs scripts/server.mjs (Next.js behind Paydesk's fast lane, one process); arguments
 * are passed on to it (e.g. `npm start -- -p 4000`).
 * `PAYDESK_FORCE_BUILD=1` rebuilds anyway (a deploy script that wants to be sure).
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";

import { buildReason } from "./build-freshness.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const reason = buildReason(root, process.env);
if (reason) {
  console.log(`paydesk: building (${reason})…`);
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else {
  console.log("paydesk: build is up to date, starting");
}
const serverScript = path.join(root, "scripts", "server.mjs");
const server = spawn(process.execPath, [serverScript, ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
