/**
 * The layers of lib/, lowest first (docs/architecture.md#layers): a part may import its own layer's shared words and
 * anything below; an import of a higher layer is an upward arrow. A loose file in lib/ is its own part, named without
 * its extension. One list, read by `npm run arch:graph` (scripts/import-graph.mjs), which measures it, and by
 * eslint.config.mjs, which holds it. Providers know only their channel config and the ports they declare, so they sit
 * below the config that lists their schemas; lib/context.ts is the AppContext type (and the ports it carries) that
 * every domain function takes, while lib/app-context.ts wires the real one and so sits above everything it wires.
 */
export const LAYERS = [
  ["money", "ids", "pay-types", "wire-shape", "log-sampler", "with-timeout", "time", "text", "wallet-links"],
  ["i18n", "metrics", "crypto", "process-state", "slot-pool"],
  ["providers"],
  ["config"],
  ["net", "storage"],
  ["events"],
  ["context"],
  ["channels"],
  ["orders"],
  ["merchant-api"],
  ["merchant-notify", "alerts"],
  ["app-context"],
  ["cashier", "console", "session"],
  ["http"],
  ["demo", "admin", "background", "startup"],
];
