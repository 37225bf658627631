/**
 * Which settings are credentials: one rule for the console (never shown back), the settings diffs and audit rows
 * (masked), and the process logger (redacted).
 *
 * `isSecretSetting` is the rule by name (secret, password, token, private, `key`/`*_key`, apikey, APIv3), public
 * keys excepted. The logger cannot take a rule, only paths, so `SECRET_SETTING_NAMES` lists the names it redacts
 * (channels' private keys and APIv3 key, API keys, merchants' appsecret); every one of them is a secret by the rule
 * (secret-settings.test.ts).
 */
const SECRET_NAME = /(secret|password|passwd|^pass$|token|private|^key$|_key$|apikey|api_v3)/i;

export function isSecretSetting(name: string): boolean {
  return SECRET_NAME.test(name) && !/public/i.test(name);
}

export const SECRET_SETTING_NAMES = [
  "app_private_key",
  "merchant_private_key",
  "apiv3_key",
  "appsecret",
  "apikey",
  "secret_key",
] as const;
