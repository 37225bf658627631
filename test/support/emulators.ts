/**
 * The one place lib tests get provider emulators from. The emulators themselves live in e2e/emulators (the browser
 * suite and the manual CLI start them too); lib tests never import e2e/ directly.
 */
export { payjsEmulatorSign, startPayjsEmulator, type PayjsEmulator } from "@/e2e/emulators/payjs-emulator";
export { startSanwangEmulator, type SanwangEmulator } from "@/e2e/emulators/sanwang-emulator";
export { startJsjEmulator, type JsjEmulator } from "@/e2e/emulators/jsj-emulator";
export { startCloudpayEmulator, type CloudpayEmulator } from "@/e2e/emulators/cloudpay-emulator";
export { startGemafuEmulator, type GemafuEmulator } from "@/e2e/emulators/gemafu-emulator";
export type { EmulatorFaults } from "@/e2e/emulators/emulator-kit";
export { javaYuan, startVmqMonitor, type VmqMonitor } from "@/e2e/emulators/vmq-emulator";
export {
  alipayCertSn,
  alipayRootCertSn,
  startAlipayF2fEmulator,
  type AlipayEmulator,
} from "@/e2e/emulators/alipay-f2f-emulator";
export * as alipayTestKeys from "@/e2e/emulators/alipay-f2f-test-keys";
export { startWechatV3Emulator, type WechatV3Emulator } from "@/e2e/emulators/wechat-v3-emulator";
export * as wechatTestKeys from "@/e2e/emulators/wechat-v3-test-keys";
export {
  startDingtalkRobot,
  startSmtpSink,
  startTelegramBot,
  startWebhookReceiver,
  startWecomRobot,
  type SinkEmulator,
  type SmtpSink,
} from "@/e2e/emulators/alert-sinks";
