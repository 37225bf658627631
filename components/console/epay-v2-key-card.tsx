import "server-only";
import { createHash } from "node:crypto";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { platformKey, platformPublicKeyText } from "@/lib/merchant-api/epay-v2/epay-v2-platform-key";
import { Card } from "./card";
import { CopyBox } from "./copy-box";

/** The SHA-256 of the key's DER (SPKI), in hex pairs: what the shop's developer reads back to check the paste. */
function fingerprint(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex").match(/../g)?.join(":") ?? "";
}

/**
 * Paydesk's 彩虹易支付 V2 platform public key (lib/merchant-api/epay-v2/epay-v2-platform-key.ts) with how to hand it to
 * a shop: shown to owners only (the channels page checks the role), since only an owner sets merchants up.
 */
export function EpayV2KeyCard({ m }: { m: ConsoleMessages }) {
  let text: { base64: string; pem: string; fingerprint: string } | null = null;
  try {
    const key = platformKey();
    text = {
      ...platformPublicKeyText(key),
      fingerprint: fingerprint(key.publicKey.export({ type: "spki", format: "der" })),
    };
  } catch {
    // A bad PAYDESK_EPAY_V2_PRIVATE_KEY is reported at the V2 API and in the log; the card says there is no key.
    text = null;
  }
  return (
    <Card title={m.v2KeyTitle} id="epay-v2-key">
      {text === null ? (
        <p className="text-sm text-gray-600">{m.v2KeyNone}</p>
      ) : (
        <div className="space-y-3 text-sm" data-testid="epay-v2-key">
          <p className="text-gray-700">{m.v2KeyIntro}</p>
          <CopyBox
            text={text.base64}
            label={m.v2KeyTitle}
            copyLabel={m.v2KeyCopy}
            copiedLabel={m.v2KeyCopied}
            testId="epay-v2-key-base64"
          />
          <details>
            <summary className="cursor-pointer text-gray-700">PEM</summary>
            <div className="mt-2">
              <CopyBox
                text={text.pem.trim()}
                label={`${m.v2KeyTitle} (PEM)`}
                copyLabel={m.v2KeyCopy}
                copiedLabel={m.v2KeyCopied}
                testId="epay-v2-key-pem"
              />
            </div>
          </details>
          <p className="text-gray-700">
            {m.v2KeyFingerprint}: <code className="font-mono text-xs break-all">{text.fingerprint}</code>
          </p>
          <p className="text-gray-700">{m.v2KeyHow}</p>
        </div>
      )}
    </Card>
  );
}
