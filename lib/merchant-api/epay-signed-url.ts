/**
 * `url` with a signed query of `fields` added before any `#fragment`, as both epay flavours send their notify and
 * return (docs/protocols/epay.md#notify-and-return, docs/protocols/epay-v2.md#notify-and-return). A query the shop
 * already put in the URL is kept and signed too, because the clients verify over every query parameter they
 * receive; empty values are never sent. `signature` gives what travels beside the signed parameters (`sign` and
 * `sign_type`, in each flavour's order).
 */
export function signedQueryUrl<F extends Record<keyof F, string>>(
  url: string,
  fields: F,
  signature: (params: Record<string, string>) => Record<string, string>,
): string {
  const target = new URL(url);
  const params: Record<string, string> = {};
  for (const [k, v] of target.searchParams) if (v !== "" && k !== "sign" && k !== "sign_type") params[k] = v;
  for (const [k, v] of Object.entries<string>(fields)) {
    if (v !== "") params[k] = v;
    else delete params[k];
  }
  const query = new URLSearchParams(params);
  for (const [k, v] of Object.entries(signature(params))) query.set(k, v);
  target.search = query.toString();
  return target.toString();
}
