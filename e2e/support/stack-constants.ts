/** Shared between the e2e stack process and the specs. */
export const CONTROL_PORT = 3299;
export const PROVIDER_MERCHANT = { appkey: "prov", appsecret: "prov-e2e-secret-at-least-32-characters" } as const;
