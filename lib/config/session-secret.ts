import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

function databaseFolder(databaseUrl: string): string {
  return databaseUrl.startsWith("file:") ? path.dirname(databaseUrl.slice("file:".length)) : "./data";
}

/** The session secret from env, else one generated once and kept beside the database (so restarts keep sessions). */
export function sessionSecret(fromEnv: string | undefined, databaseUrl: string): string {
  if (fromEnv) return fromEnv;
  const folder = databaseFolder(databaseUrl);
  const file = path.join(folder, "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(folder, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
