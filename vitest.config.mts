import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside a React Server environment; tests run lib/ directly on Node.
      "server-only": path.join(root, "test/support/server-only-stub.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "e2e/emulators/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Test files share worker processes instead of each starting one: loading the modules (zod, pino, the drivers,
    // every provider) once per worker instead of once per file halves the suite's time. Every suite opens its own
    // database (a temp SQLite file or a throwaway PostgreSQL schema) and nothing uses module mocks; the process-wide
    // singletons are reset before each file by test/support/per-file-reset.ts.
    isolate: false,
    setupFiles: ["test/support/per-file-reset.ts"],
    // CI machines are shared and their timing varies: a test that fails is run once more there before it counts, and
    // the JSON report keeps both attempts so a flaky test stays visible. Locally every failure counts at once.
    retry: process.env.CI ? 1 : 0,
  },
});
