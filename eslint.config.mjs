// ESLint flat config: the style rules of DESIGN §3 and the architecture's import boundaries, enforced by `npm test`
// (scripts/test-all.sh, `== lint`) and so by CI. Formatting is Prettier's job (.prettierrc), not ESLint's.
import fs from "node:fs";
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";
import { LAYERS } from "./scripts/layers.mjs";

const TESTS = ["**/*.test.ts", "e2e/**/*.spec.ts"];

/** Kysely and the database drivers: only lib/storage speaks to the database. */
const DB_DRIVERS = {
  name: "kysely",
  message: "Kysely and the database drivers live in lib/storage only: go through the repositories (ctx.repos).",
};
const dbDrivers = ["kysely", "better-sqlite3", "pg"].map((name) => ({ ...DB_DRIVERS, name }));

/**
 * A provider's folder is reached only through lib/providers/registry.ts (the folder's own files and tests import
 * each other relatively). Shared provider modules (types, registry, base schema, upstream fetch) are open to all.
 */
const SHARED_PROVIDER_MODULES = [
  "types",
  "registry",
  "channel-base-schema",
  "config-schemas",
  "provider-ack",
  "upstream-fetch",
];
const providerFolderPattern = (own = []) => ({
  regex: `(^|/)lib/providers/(?!(${[...SHARED_PROVIDER_MODULES, ...own].join("|")})(/|$))[^/]+/`,
  message:
    "A provider's folder is imported only by lib/providers/registry.ts (and its config.ts by config-schemas.ts); use the registry or PaymentProvider.",
});
const providerFolders = providerFolderPattern();
/** From inside a provider's folder, `../other-provider/…` is another provider's folder too. */
const siblingProvider = {
  regex: `^\\.\\./(?!(${SHARED_PROVIDER_MODULES.join("|")})$)[^/]+/`,
  message: "A provider's folder never imports another provider's folder.",
};
const PROVIDER_DIRS = fs
  .readdirSync(new URL("./lib/providers/", import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const e2eFromLib = {
  regex: "^@/e2e/",
  message: "lib/ and test/support/ reach e2e/ only through test/support/emulators.ts.",
};
const uiFromLib = {
  regex: "^@/(app|components)/",
  message: "lib/ is the domain: it never imports routes (app/) or UI (components/).",
};
const nextFromLib = {
  regex: "^next(/|$)",
  message: "lib/ stays framework-free: Next.js belongs in app/, components/ and proxy.ts (list a file that must here).",
};

/**
 * lib/ files that must import next/* (each with the reason); everything else in lib/ uses the standard Request and
 * Response (cookies through iron-session). Add `["lib/…", "why"]` pairs here rather than disabling the rule in a file.
 */
const NEXT_IN_LIB = [
  [
    "lib/console/page-auth.ts",
    "server components read the request's cookies and headers, and redirect, only through next/*",
  ],
];

/**
 * lib/config validates the config file without loading provider code: of lib/providers it reads only
 * config-schemas.ts, which lists the providers' `config.ts` schemas (and imports nothing else, see below).
 */
const providersFromConfig = {
  regex: "(^|/)lib/providers/(?!config-schemas$)|^\\.\\./providers/",
  message: "lib/config imports no provider code: the channel schemas come through lib/providers/config-schemas.ts.",
};
/** The schema list imports zod and each provider folder's config.ts, nothing else (no provider code). */
const beyondProviderConfigs = {
  regex: "^(?!zod$|@/lib/providers/[^/]+/config$)",
  message: "lib/providers/config-schemas.ts lists config.ts schemas only (no provider code, no other module).",
};
/** Providers declare the storage they need as ports in lib/providers/types.ts; lib/context.ts wires lib/storage in. */
const storageFromProviders = {
  regex: "(^|/)lib/storage(/|$)",
  message: "Providers import no lib/storage: declare the port in lib/providers/types.ts (lib/context.ts wires it).",
};

/**
 * The merchant APIs (lib/merchant-api/{cloudpay,epay,vmq}/) are adapters over the order service: lib/orders speaks
 * none of them (its tests may drive it through one, as a shop does), no protocol folder imports another (shared
 * modules at lib/merchant-api/*.ts are open to all), and lib/merchant-notify reaches them only through the registry.
 */
const MERCHANT_API_DIRS = fs
  .readdirSync(new URL("./lib/merchant-api/", import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const merchantApiFromOrders = {
  regex: "(^|/)lib/merchant-api(/|$)",
  message: "lib/orders speaks no merchant protocol: take and return domain types, throw OrderError (order-errors.ts).",
};
const otherMerchantApi = (own) => ({
  regex: `(^|/)lib/merchant-api/(?!${own}/)[^/]+/|^\\.\\./(?!${own}/)[^/]+/`,
  message: "A merchant API's folder never imports another's: shared words go in lib/merchant-api/*.ts or lib/crypto.",
});
const merchantApiFolders = {
  regex: "(^|/)lib/merchant-api/[^/]+/",
  message:
    "lib/merchant-notify asks the order's protocol through lib/merchant-api/registry.ts, never a protocol folder.",
};

/**
 * The layers (scripts/layers.mjs, docs/architecture.md#layers; `npm run arch:graph` measures them): a part's sources
 * never import a part ranked above it (its tests may, as the graph leaves them out).
 */
const upFrom = (part) => {
  const parts = LAYERS.slice(LAYERS.findIndex((layer) => layer.includes(part)) + 1)
    .flat()
    .join("|");
  return {
    regex: `(^|/)lib/(${parts})(/|$)|^\\.\\./(${parts})(/|$)`,
    message: `lib/${part} imports no part ranked above it (scripts/layers.mjs; the fixes: docs/architecture.md#layers).`,
  };
};
/** A folder's sources: the patterns its own block above gives them, plus their layer's. */
const layered = (part, files, ...own) => ({
  files,
  ignores: TESTS,
  rules: { "no-restricted-imports": restrict(...own, upFrom(part), e2eFromLib, uiFromLib, nextFromLib) },
});

/** `no-restricted-imports` replaces, not merges, per file: each block lists every pattern that applies there. */
const restrict = (...patterns) => ["error", { paths: dbDrivers, patterns }];

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".next-*/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "docs/screenshots/**",
      "next-env.d.ts",
      "public/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mjs}"],
    plugins: { "react-hooks": reactHooks, "@next/next": nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      // The page's images are QR PNGs from its own routes, data: URIs and tiny SVG logos: nothing next/image improves.
      "@next/next/no-img-element": "off",
      "no-undef": "off", // TypeScript's job, and it knows the DOM and Node types.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "max-lines": ["error", { max: 250, skipBlankLines: true, skipComments: true }],
      "no-restricted-imports": restrict(providerFolders),
    },
  },
  {
    // The app's edges (routes, pages, UI, the proxy) additionally import next/*; lib/ and test/support/ do not.
    files: ["lib/**", "test/support/**"],
    rules: { "no-restricted-imports": restrict(providerFolders, e2eFromLib, uiFromLib, nextFromLib) },
  },
  ...NEXT_IN_LIB.map(([file]) => ({
    files: [file],
    rules: { "no-restricted-imports": restrict(providerFolders, e2eFromLib, uiFromLib) },
  })),
  {
    // Storage owns the drivers.
    files: ["lib/storage/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [providerFolders, e2eFromLib, uiFromLib, nextFromLib] }] },
  },
  {
    // Test scaffolding opens and drops databases and schemas itself (openTestDatabase, raw reads in the harness).
    files: ["test/support/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [providerFolders, e2eFromLib, uiFromLib, nextFromLib] }] },
  },
  {
    // The one bridge from lib tests to the protocol emulators in e2e/.
    files: ["test/support/emulators.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [providerFolders, uiFromLib, nextFromLib] }] },
  },
  {
    files: ["lib/config/**"],
    rules: {
      "no-restricted-imports": restrict(providerFolders, providersFromConfig, e2eFromLib, uiFromLib, nextFromLib),
    },
  },
  {
    files: ["lib/providers/**"],
    rules: {
      "no-restricted-imports": restrict(providerFolders, storageFromProviders, e2eFromLib, uiFromLib, nextFromLib),
    },
  },
  {
    // The registry lists the provider folders.
    files: ["lib/providers/registry.ts"],
    rules: { "no-restricted-imports": restrict(storageFromProviders, e2eFromLib, uiFromLib, nextFromLib) },
  },
  {
    files: ["lib/providers/config-schemas.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [beyondProviderConfigs] }] },
  },
  // Each provider's files may import their own folder, never another provider's; its tests may also open databases
  // (the harness in test/support), so they may import lib/storage.
  ...PROVIDER_DIRS.flatMap((dir) => {
    const own = [providerFolderPattern([dir]), siblingProvider, e2eFromLib, uiFromLib, nextFromLib];
    return [
      {
        files: [`lib/providers/${dir}/**`],
        rules: { "no-restricted-imports": restrict(storageFromProviders, ...own) },
      },
      { files: [`lib/providers/${dir}/**/*.test.ts`], rules: { "no-restricted-imports": restrict(...own) } },
    ];
  }),
  ...MERCHANT_API_DIRS.map((dir) => ({
    files: [`lib/merchant-api/${dir}/**`],
    rules: {
      "no-restricted-imports": restrict(providerFolders, otherMerchantApi(dir), e2eFromLib, uiFromLib, nextFromLib),
    },
  })),
  {
    files: ["lib/merchant-notify/**"],
    rules: {
      "no-restricted-imports": restrict(providerFolders, merchantApiFolders, e2eFromLib, uiFromLib, nextFromLib),
    },
  },
  // The layers, on top of the blocks above for each folder's sources (so each lists the folder's patterns again).
  ...["time", "text", "crypto", "i18n", "net", "events", "channels", "cashier", "session", "alerts", "demo"].map(
    (part) => layered(part, [`lib/${part}/**`], providerFolders),
  ),
  ...["context", "app-context", "wallet-links"].map((part) => layered(part, [`lib/${part}.ts`], providerFolders)),
  layered("config", ["lib/config/**"], providerFolders, providersFromConfig),
  layered("providers", ["lib/providers/**"], providerFolders, storageFromProviders),
  layered("providers", ["lib/providers/registry.ts"], storageFromProviders),
  {
    files: ["lib/providers/config-schemas.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [beyondProviderConfigs] }] },
  },
  ...PROVIDER_DIRS.map((dir) =>
    layered(
      "providers",
      [`lib/providers/${dir}/**`],
      storageFromProviders,
      providerFolderPattern([dir]),
      siblingProvider,
    ),
  ),
  layered("orders", ["lib/orders/**"], providerFolders, merchantApiFromOrders),
  layered("merchant-api", ["lib/merchant-api/*.ts"], providerFolders),
  ...MERCHANT_API_DIRS.map((dir) =>
    layered("merchant-api", [`lib/merchant-api/${dir}/**`], providerFolders, otherMerchantApi(dir)),
  ),
  layered("merchant-notify", ["lib/merchant-notify/**"], providerFolders, merchantApiFolders),
  layered("http", ["lib/http/**"], providerFolders),
  {
    // Tests may be long (one scenario per file reads better than an arbitrary split).
    files: TESTS,
    rules: { "max-lines": "off" },
  },
);
