"use client";

import { useEffect } from "react";
import type { PayType } from "@/lib/pay-types";
import { useEmbedHost } from "./use-embed-host";

interface Props {
  orderId: string;
  embedOrigins: string[];
  /** Set on the dead end: what the host is told (the `failed` message of lib/cashier/embed-protocol.ts). */
  failure: { wallet: PayType | null; others: PayType[]; back_url: string | null } | null;
}

/**
 * The wallet chooser's only script: inside a shop's frame it sizes the frame (ready/resize) and, on the dead end,
 * tells the host that no code could be made. Renders nothing; the chooser itself is plain server-rendered forms.
 */
export function ChooserIsland({ orderId, embedOrigins, failure }: Props) {
  const { post } = useEmbedHost(orderId, embedOrigins);
  const wallet = failure?.wallet ?? null;
  const others = failure?.others.join(",") ?? null;
  const back = failure?.back_url ?? null;
  useEffect(() => {
    if (others === null) return;
    post({ type: "failed", wallet, others: others ? (others.split(",") as PayType[]) : [], back_url: back });
  }, [post, wallet, others, back]);
  return null;
}
