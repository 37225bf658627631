import { describe, expect, it } from "vitest";
import { safeConsolePath } from "@/lib/console/console-locale";
import { testAppConfig } from "@/test/support/test-context";
import type { AppContext } from "@/lib/context";
import { requestCookie, sameOrigin } from "./console-handler";

const ctx = { config: { ...testAppConfig(), baseUrl: "https://pay.example" } } as AppContext;
const post = (headers: Record<string, string>) =>
  new Request("http://127.0.0.1:3000/console/act/resend", { method: "POST", headers });

describe("console request guards", () => {
  it.each([
    [{}, true], // browsers always send Origin on a form POST; a client without one has no cookie to abuse
    [{ origin: "https://pay.example" }, true],
    [{ origin: "http://127.0.0.1:3000" }, true],
    [{ origin: "http://localhost:3000", host: "localhost:3000" }, true],
    [{ origin: "https://evil.example" }, false],
    [{ origin: "null" }, false],
    [{ origin: "https://pay.example.evil.example" }, false],
  ])("Origin %j → allowed %s", (headers, allowed) => {
    expect(sameOrigin(post(headers), ctx)).toBe(allowed);
  });

  it.each([
    ["/console/orders/ABC?msg=credited", "/console/orders/ABC?msg=credited"],
    ["/console", "/console"],
    ["https://evil.example/console", "/console"],
    ["//evil.example/console", "/console"],
    ["/consolex", "/console"],
    ["/console/../pay", "/console"],
    ["/console\\evil", "/console"],
    [42, "/console"],
  ])("redirect target %j → %s", (input, expected) => {
    expect(safeConsolePath(input)).toBe(expected);
  });

  it("reads one cookie from the Cookie header", () => {
    const r = new Request("http://x/", { headers: { cookie: "a=1; paydesk_console=Fe26.2**abc==; b=2" } });
    expect(requestCookie(r, "paydesk_console")).toBe("Fe26.2**abc==");
    expect(requestCookie(r, "missing")).toBeUndefined();
  });
});
