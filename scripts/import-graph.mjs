// The folder-level import graph of lib/: which parts import which, the loops among them, and the arrows that point
// upward against the layering docs/architecture.md describes. `npm run arch:graph [dir]` prints the figures the
// house-keeping notes quote; run it on an older checkout (a git worktree) to compare.
import fs from "node:fs";
import path from "node:path";
import { LAYERS } from "./layers.mjs";

const root = path.resolve(process.argv[2] ?? ".");
const lib = path.join(root, "lib");

const rankOf = new Map(LAYERS.flatMap((names, rank) => names.map((n) => [n, rank])));

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** lib/orders/x.ts → "orders"; lib/money.ts → "money". */
function partOf(file) {
  const rel = path.relative(lib, file).split(path.sep);
  return rel.length === 1 ? rel[0].replace(/\.(ts|tsx)$/, "") : rel[0];
}

function resolveImport(from, spec) {
  let target;
  if (spec.startsWith("@/lib/")) target = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) target = path.resolve(path.dirname(from), spec);
  else return null;
  if (!target.startsWith(lib + path.sep)) return null;
  return target;
}

const files = walk(lib);
const edges = new Map(); // "a→b" → count of importing files
const IMPORT = /(?:import|export)\s[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  const from = partOf(file);
  const seen = new Set();
  for (const m of text.matchAll(IMPORT)) {
    const target = resolveImport(file, m[1] ?? m[2]);
    if (!target) continue;
    const to = partOf(target.endsWith(".ts") || target.endsWith(".tsx") ? target : `${target}.ts`);
    if (to === from || seen.has(to)) continue;
    seen.add(to);
    const key = `${from}→${to}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
  }
}

const parts = [...new Set(files.map(partOf))].sort();
const adjacency = new Map(parts.map((p) => [p, []]));
for (const key of edges.keys()) {
  const [a, b] = key.split("→");
  if (adjacency.has(a)) adjacency.get(a).push(b);
}

// Tarjan's strongly connected components: a component of more than one part is an import loop.
let index = 0;
const stack = [];
const meta = new Map();
const loops = [];
function connect(v) {
  meta.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of adjacency.get(v) ?? []) {
    if (!meta.has(w)) {
      connect(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) loops.push(component.sort());
  }
}
for (const p of parts) if (!meta.has(p)) connect(p);

const unranked = parts.filter((p) => !rankOf.has(p));
const upward = [...edges.entries()].filter(([key]) => {
  const [a, b] = key.split("→");
  return rankOf.has(a) && rankOf.has(b) && rankOf.get(b) > rankOf.get(a);
});

console.log(
  `lib/ of ${root}: ${files.length} source files in ${parts.length} parts, ${edges.size} part-to-part arrows`,
);
console.log(`import loops (parts that reach each other): ${loops.length}`);
for (const loop of loops) console.log(`  loop of ${loop.length}: ${loop.join(", ")}`);
console.log(`upward arrows (against the layers in scripts/layers.mjs): ${upward.length}`);
for (const [key, count] of upward.sort()) console.log(`  ${key} (${count} file${count === 1 ? "" : "s"})`);
if (unranked.length) console.log(`parts with no layer (add them to LAYERS): ${unranked.join(", ")}`);
