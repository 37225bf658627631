"use client";

import { useState } from "react";
import { passwordAnswer, postForm } from "@/app/console/(app)/account/post-form";
import type { AccountsMessages } from "@/lib/console/accounts-i18n";
import { fmt } from "@/lib/i18n/locale";
import { errorText } from "./create-user-form";
import { OncePassword } from "./once-password";

/** "Reset password" on one user's row: the new generated password is shown once, here. */
export function ResetPasswordButton({ a, csrf, name }: { a: AccountsMessages; csrf: string; name: string }) {
  const [result, setResult] = useState<{ password: string } | { error: string } | null>(null);
  async function reset() {
    const form = new FormData();
    form.set("csrf", csrf);
    form.set("name", name);
    const r = await postForm("/console/users/reset-password", form, passwordAnswer);
    setResult(r.ok ? { password: r.body.password } : { error: errorText(a, r.error) });
  }
  return (
    <div className="space-y-2">
      <button
        type="button"
        onClick={reset}
        className="rounded-md border border-gray-300 px-2 py-1 text-xs text-gray-700 hover:bg-gray-50"
      >
        {a.resetPassword}
      </button>
      {result && "password" in result ? (
        <OncePassword text={fmt(a.passwordResetOnce, { name })} password={result.password} />
      ) : null}
      {result && "error" in result ? (
        <p role="alert" className="text-xs text-red-800">
          {result.error}
        </p>
      ) : null}
    </div>
  );
}
