/** Shared between the e2e stack process and the specs. */
export const CONTROL_PORT = 3299;
export const PROVIDER_MERCHANT = { appkey: "prov", appsecret: "prov-e2e-secret-at-least-32-characters" } as const;
/** The V免签 shop and monitor app of the e2e stack (e2e/emulators/vmq-shop.ts, vmq-emulator.ts). */
export const VMQ_E2E = {
  appkey: "vmqshop",
  shopKey: "e2e-vmq-shop-communication-key",
  channel: "vmq-e2e",
  appKey: "e2e-vmq-app-key",
  codes: { wxpay: "wxp://f2f0e2eFreeAmountCode", alipay: "https://qr.alipay.com/fkx0e2efree" },
} as const;
/** The fake epay shop (e2e/support/epay-shop.ts) and its credentials; the merchant is in e2e/paydesk.e2e.json. */
export const EPAY_SHOP_PORT = 4310;
export const EPAY_SHOP = { pid: "1000", key: "e2e-epay-key-0123456789abcdefghij" } as const;
