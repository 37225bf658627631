import { z } from "zod";

/**
 * The accounts pages' script side: posts a form to a console endpoint that answers JSON (those that hand out a
 * secret shown once, lib/http/console-routes.ts `consoleAccountRoutes`) and parses the answer with `schema`.
 * Anything else (a redirect to the login page after the session ended, a 403 text) is "expired".
 */
export async function postForm<T>(
  action: string,
  form: FormData,
  schema: z.ZodType<T>,
): Promise<{ ok: true; body: T } | { ok: false; error: string }> {
  let res: Response;
  try {
    res = await fetch(action, { method: "POST", body: form, headers: { Accept: "application/json" } });
  } catch {
    return { ok: false, error: "network" };
  }
  if (!(res.headers.get("content-type") ?? "").startsWith("application/json")) return { ok: false, error: "expired" };
  const raw: unknown = await res.json().catch(() => null);
  const refused = z.object({ ok: z.literal(false), error: z.string() }).safeParse(raw);
  if (refused.success) return { ok: false, error: refused.data.error };
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, error: "expired" };
}

export const passwordAnswer = z.object({ ok: z.literal(true), name: z.string(), password: z.string() });
export const totpBeginAnswer = z.object({ ok: z.literal(true), secret: z.string(), uri: z.string() });
export const totpConfirmAnswer = z.object({ ok: z.literal(true), codes: z.array(z.string()) });
