/*
 * The console's users as the config file declares them. The schema lives with the rest of the file's, in
 * lib/config/console.ts (lib/config ranks below lib/console: docs/architecture.md#layers); change it there. The console
 * reads the same names here.
 */
export * from "@/lib/config/console";
