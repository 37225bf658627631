import type { PublicOrderView } from "@/lib/orders/public-order-view";

/** The strings the browser-side part of the page needs (a subset of lib/i18n, so the rest never ships as JS). */
export interface LiveText {
  iHavePaid: string;
  checking: string;
  notYetPaid: string;
  statusPending: string;
  statusConfirming: string;
  statusPaid: string;
  statusExpired: string;
  statusClosed: string;
  paidNotifying: string;
  paidRedirecting: string;
  paidReady: string;
  paidDone: string;
  backToShop: string;
  expiredBody: string;
  closedBody: string;
  redirectingTimeout: string;
  simulatePay: string;
  simulating: string;
  simulateFailed: string;
  amountLabel: string;
  orderNoLabel: string;
  offlineBanner: string;
}

/** Server-rendered facts the live part starts from; nothing secret (it is serialised into the page). */
export interface LiveProps {
  initial: PublicOrderView;
  merchantName: string;
  expiresAt: number;
  serverNow: number;
  timeoutUrl: string | null;
  shopHome: string | null;
  sandbox: boolean;
  embedOrigins: string[];
  text: LiveText;
}
