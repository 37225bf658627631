import fs from "node:fs";
import path from "node:path";

/** Everything that goes into the build (relative to the project root). Data, tests and e2e do not. */
export const BUILD_SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "postcss.config.mjs",
];

/** Newest modification time under `entry` (a file or a folder, recursively; node_modules, dot-entries and *.test.ts skipped). */
export function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its folder's mtime
  for (const name of fs.readdirSync(entry)) {
    // Unit tests live beside the code but are not part of the build.
    if (name === "node_modules" || name.startsWith(".") || /\.test\.tsx?$/.test(name)) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

/** Why `npm start` must build first, or null when `.next` is newer than every source. */
export function buildReason(root, env) {
  if (env.PAYDESK_FORCE_BUILD === "1") return "PAYDESK_FORCE_BUILD=1";
  // The same build folder next.config.ts names.
  const buildId = path.join(root, env.PAYDESK_DIST_DIR || ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return "no build yet";
  const built = fs.statSync(buildId).mtimeMs;
  const newest = Math.max(...BUILD_SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newest > built ? "sources changed since the last build" : null;
}
