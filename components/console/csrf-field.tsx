/** The session's CSRF token, sent back by every console form (lib/http/console-handler.ts checks it). */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />;
}
