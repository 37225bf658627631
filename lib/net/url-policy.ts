import type { Merchant } from "@/lib/config/schema";
import type { UrlGuardPolicy } from "./url-guard";

/**
 * The hosts a merchant's notifications may reach besides public addresses: the host:port of each URL the operator
 * wrote into the config file as the merchant's own (trusted by definition: the operator typed them, no request did), plus the hosts the
 * operator listed for URLs that requests supply (`epay.allowed_hosts`, `epay_v2.allowed_hosts`, `vmq.allowed_hosts`). Protocol-neutral: another protocol with
 * per-request URLs adds its own list here.
 */
export function merchantUrlPolicy(merchant: Merchant | undefined): UrlGuardPolicy {
  if (!merchant) return { allowedHosts: [] };
  const configured = [merchant.notify_url, merchant.return_url, merchant.timeout_url]
    .filter((u): u is string => Boolean(u))
    // host:port exactly: trusting a configured http://127.0.0.1:8080 must not open every port of the machine.
    .map((u) => new URL(u).host);
  return {
    allowedHosts: [
      ...configured,
      ...(merchant.epay?.allowed_hosts ?? []),
      ...(merchant.epay_v2?.allowed_hosts ?? []),
      ...(merchant.vmq?.allowed_hosts ?? []),
    ],
  };
}
