"use client";

import { useState } from "react";
import { passwordAnswer, postForm } from "@/app/console/(app)/account/post-form";
import type { AccountsMessages } from "@/lib/console/accounts-i18n";
import { fmt } from "@/lib/i18n/locale";
import { OncePassword } from "./once-password";
import { PrimaryButton } from "@/components/console/primary-button";

const input = "mt-1 block w-full rounded-lg border border-gray-300 px-3 py-2";

/** The users page's "new user" form: the generated first password comes back once and is shown here, nowhere else. */
export function CreateUserForm(props: {
  a: AccountsMessages;
  csrf: string;
  merchants: { appkey: string; name: string }[];
  allowAll: boolean;
}) {
  const { a } = props;
  const [created, setCreated] = useState<{ name: string; password: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    const form = e.currentTarget;
    const r = await postForm("/console/users/create", new FormData(form), passwordAnswer);
    setBusy(false);
    if (r.ok) {
      setCreated({ name: r.body.name, password: r.body.password });
      setError(null);
      form.reset();
    } else {
      setError(errorText(a, r.error));
    }
  }
  return (
    <div className="space-y-4">
      {created ? <OncePassword text={fmt(a.createdOnce, { name: created.name })} password={created.password} /> : null}
      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900">
          {error}
        </p>
      ) : null}
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2" data-testid="create-user-form">
        <input type="hidden" name="csrf" value={props.csrf} />
        <label className="block text-sm">
          <span className="text-gray-700">{a.colName}</span>
          <input name="name" required maxLength={64} autoComplete="off" className={input} />
        </label>
        <label className="block text-sm">
          <span className="text-gray-700">{a.colRole}</span>
          <select name="role" defaultValue="operator" className={input}>
            <option value="owner">{a.roleOwner}</option>
            <option value="operator">{a.roleOperator}</option>
            <option value="viewer">{a.roleViewer}</option>
          </select>
        </label>
        <fieldset className="text-sm sm:col-span-2">
          <legend className="text-gray-700">{a.colMerchants}</legend>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-2">
            {props.allowAll ? (
              <label className="flex items-center gap-1">
                <input type="checkbox" name="merchants" value="*" /> {a.allMerchants}
              </label>
            ) : null}
            {props.merchants.map((mm) => (
              <label key={mm.appkey} className="flex items-center gap-1">
                <input type="checkbox" name="merchants" value={mm.appkey} /> {mm.name}{" "}
                <span className="font-mono text-xs text-gray-500">{mm.appkey}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <p className="text-xs text-gray-600 sm:col-span-2">{a.roleHelp}</p>
        <div className="sm:col-span-2">
          <PrimaryButton type="submit" disabled={busy}>
            {a.createSubmit}
          </PrimaryButton>
        </div>
      </form>
    </div>
  );
}

export function errorText(a: AccountsMessages, key: string): string {
  if (key === "expired" || key === "network") return a.sessionExpired;
  return Object.hasOwn(a.errors, key) ? a.errors[key as keyof AccountsMessages["errors"]] : key;
}
