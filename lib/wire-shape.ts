/**
 * The few JSON shapes the payer's browser reads (the public order view and the payer routes' answers), declared once
 * and checked on both sides, in well under a kilobyte. The page's whole script budget is ~120 kB gzip, most of it the
 * framework's: zod (even zod/mini) cost the page ~9 kB for five flat objects, so these shapes use this instead. The
 * API mirrors zod's (`safeParse`, `parse`, `Infer`), and like `z.object` an object keeps only its declared keys.
 * Requests from the outside world (merchants, providers, config) stay on zod. No server-only: client code imports it.
 */

export type ParseResult<T> = { success: true; data: T } | { success: false; data?: undefined; error: string };

export interface Shape<T> {
  safeParse(value: unknown): ParseResult<T>;
  /** Like safeParse, throwing on a mismatch (tests, and servers checking their own answers). */
  parse(value: unknown): T;
  /** The check itself, with the path so far (shapes nest through it); throws ShapeError. */
  check(value: unknown, path: string): T;
  /** Marks an object key as optional (`key?: T`). */
  readonly optional?: true;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

/** Raised by `parse`; the message names the path that did not fit. */
export class ShapeError extends Error {
  constructor(readonly path: string) {
    super(`unexpected shape at ${path || "(root)"}`);
    this.name = "ShapeError";
  }
}

function shape<T>(check: (value: unknown, path: string) => T, extra: { optional?: true } = {}): Shape<T> {
  return {
    ...extra,
    check,
    safeParse(value) {
      try {
        return { success: true, data: check(value, "") };
      } catch (err) {
        if (err instanceof ShapeError) return { success: false, error: err.message };
        throw err;
      }
    },
    parse: (value) => check(value, ""),
  };
}

export function string(limits: { min?: number; max?: number } = {}): Shape<string> {
  return shape((v, path) => {
    if (typeof v !== "string" || v.length < (limits.min ?? 0) || v.length > (limits.max ?? Infinity))
      throw new ShapeError(path);
    return v;
  });
}

export function number(): Shape<number> {
  return shape((v, path) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ShapeError(path);
    return v;
  });
}

export function literal<const L extends string | number | boolean>(expected: L): Shape<L> {
  return shape((v, path) => {
    if (v !== expected) throw new ShapeError(path);
    return expected;
  });
}

export function enumOf<const E extends readonly string[]>(values: E): Shape<E[number]> {
  return shape((v, path) => {
    if (typeof v !== "string" || !values.includes(v)) throw new ShapeError(path);
    return v as E[number];
  });
}

export function nullable<T>(inner: Shape<T>): Shape<T | null> {
  return shape((v, path) => (v === null ? null : inner.check(v, path)));
}

/** An object key that may be absent (or undefined). */
export function optional<T>(inner: Shape<T>): Shape<T | undefined> & { optional: true } {
  return shape((v, path) => (v === undefined ? undefined : inner.check(v, path)), { optional: true }) as Shape<
    T | undefined
  > & { optional: true };
}

type Fields = Record<string, Shape<unknown>>;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends { optional: true } ? K : never }[keyof F];
type Flatten<T> = { [K in keyof T]: T[K] };
export type ObjectOf<F extends Fields> = Flatten<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & {
    [K in OptionalKeys<F>]?: Exclude<Infer<F[K]>, undefined>;
  }
>;

export function object<const F extends Fields>(fields: F): Shape<ObjectOf<F>> {
  const entries = Object.entries(fields);
  return shape((v, path) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ShapeError(path);
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      const value = field.check(source[key], path ? `${path}.${key}` : key);
      if (value !== undefined) out[key] = value;
    }
    return out as ObjectOf<F>;
  });
}
