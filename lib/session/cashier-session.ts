import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getIronSession, type SessionOptions } from "iron-session";
import { CSRF_HEADER } from "@/lib/cashier/payer-dtos";

/**
 * The payer's sealed session (iron-session): it holds only a random CSRF nonce for the page's actions (sandbox
 * "simulate payment", "I have paid" recheck). The page's script asks `POST /pay/{id}/session` for it, keeps the nonce
 * in memory and sends it back in a header; a forged cross-site request has the cookie but cannot read the nonce.
 * Without the cookie (blocked third-party cookies in a frame) the actions are refused and the page stays read-only.
 */
export interface CashierSessionData {
  nonce?: string;
}

export const CASHIER_COOKIE = "paydesk_session";

export interface SessionContext {
  secret: string;
  /** The page is shown inside another site's frame: the cookie must be `SameSite=None; Secure; Partitioned`. */
  framed: boolean;
  /** Paydesk is served over https (outside a frame the cookie is Secure only then, so plain-http setups still work). */
  https: boolean;
}

function sessionOptions(c: SessionContext): SessionOptions {
  return {
    cookieName: CASHIER_COOKIE,
    password: c.secret,
    ttl: 24 * 3600,
    cookieOptions: c.framed
      ? // A framed page is a third-party context: only SameSite=None reaches it, and browsers require Secure for that;
        // Partitioned (CHIPS) keys the cookie to the host site, so it works where unpartitioned third-party cookies are blocked.
        { httpOnly: true, path: "/", sameSite: "none", secure: true, partitioned: true }
      : { httpOnly: true, path: "/", sameSite: "lax", secure: c.https },
  };
}

/**
 * The page token for one order: HMAC(session nonce, order id). The token a page holds therefore works for its own
 * order only — a token lifted from one page (or a log) cannot press buttons on another order's page.
 */
export function orderToken(nonce: string, orderId: string): string {
  return createHmac("sha256", nonce).update(`paydesk-page:${orderId}`).digest("base64url");
}

/**
 * Returns the page token for `orderId`, creating and sealing the session's nonce into `response`'s Set-Cookie when
 * there is none yet.
 */
export async function issueNonce(
  request: Request,
  response: Response,
  c: SessionContext,
  orderId: string,
): Promise<string> {
  const session = await getIronSession<CashierSessionData>(request, response, sessionOptions(c));
  if (!session.nonce) {
    session.nonce = randomBytes(24).toString("base64url");
  }
  // Saved every time: it refreshes the cookie's attributes when the same browser first opens the page framed.
  await session.save();
  return orderToken(session.nonce, orderId);
}

/** True when the request carries the sealed cookie and, in the header, that session's token for `orderId`. */
export async function verifyNonce(request: Request, secret: string, orderId: string): Promise<boolean> {
  const sent = request.headers.get(CSRF_HEADER);
  if (!sent) return false;
  const session = await getIronSession<CashierSessionData>(
    request,
    new Response(),
    sessionOptions({ secret, framed: false, https: false }),
  );
  if (!session.nonce) return false;
  const a = Buffer.from(orderToken(session.nonce, orderId));
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
