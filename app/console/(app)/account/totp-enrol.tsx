"use client";

import { QRCodeSVG } from "qrcode.react";
import { useState } from "react";
import type { AccountsMessages } from "@/lib/console/accounts-i18n";
import { errorText } from "@/app/console/(app)/users/create-user-form";
import { postForm, totpBeginAnswer, totpConfirmAnswer } from "./post-form";
import { PrimaryButton } from "@/components/console/primary-button";

/**
 * Turning on TOTP: the server makes the secret (kept pending) and this shows it as a QR code and as text; a code
 * from the app confirms it, and the recovery codes come back once.
 */
export function TotpEnrol({ a, csrf }: { a: AccountsMessages; csrf: string }) {
  const [pending, setPending] = useState<{ secret: string; uri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const withCsrf = (form?: FormData) => {
    const f = form ?? new FormData();
    f.set("csrf", csrf);
    return f;
  };
  async function begin() {
    const r = await postForm("/console/account/totp/begin", withCsrf(), totpBeginAnswer);
    if (r.ok) {
      setPending({ secret: r.body.secret, uri: r.body.uri });
      setError(null);
    } else setError(errorText(a, r.error));
  }
  async function confirm(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const r = await postForm(
      "/console/account/totp/confirm",
      withCsrf(new FormData(e.currentTarget)),
      totpConfirmAnswer,
    );
    if (r.ok) {
      setCodes(r.body.codes);
      setPending(null);
      setError(null);
    } else setError(r.error === "code" ? a.totpCodeWrong : errorText(a, r.error));
  }
  if (codes)
    return (
      <div role="status" className="rounded-xl border border-green-300 bg-green-50 px-4 py-3 text-sm text-green-900">
        <p>{a.totpRecoveryOnce}</p>
        <ul data-testid="recovery-codes" className="mt-2 grid grid-cols-2 gap-1 font-mono text-sm select-all">
          {codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      </div>
    );
  return (
    <div className="space-y-3 text-sm">
      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-red-900">
          {error}
        </p>
      ) : null}
      {pending ? (
        <div className="space-y-3">
          <p>{a.totpScan}</p>
          <div className="inline-block rounded-lg bg-white p-2 ring-1 ring-gray-200">
            <QRCodeSVG value={pending.uri} size={176} marginSize={2} title={a.totpTitle} />
          </div>
          <p>
            {a.totpSecretLabel}:{" "}
            <code data-testid="totp-secret" className="font-mono break-all select-all">
              {pending.secret}
            </code>
          </p>
          <form onSubmit={confirm} className="flex flex-wrap items-end gap-3">
            <label className="block">
              <span className="text-gray-700">{a.totpCode}</span>
              <input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="\d{6}"
                required
                className="mt-1 block w-36 rounded-lg border border-gray-300 px-3 py-2 font-mono tracking-widest"
              />
            </label>
            <PrimaryButton type="submit">{a.totpConfirm}</PrimaryButton>
          </form>
        </div>
      ) : (
        <PrimaryButton type="button" onClick={begin}>
          {a.totpBegin}
        </PrimaryButton>
      )}
    </div>
  );
}
