"use server";

import { redirect } from "next/navigation";
import { getAppContext } from "@/lib/app-context";
import { createTestOrder } from "@/lib/demo/create-test-order";

export interface TestOrderState {
  error?: string;
}

/** The home page form: create a demo order through the merchant API, then go to its cashier page. */
export async function createTestOrderAction(_prev: TestOrderState, form: FormData): Promise<TestOrderState> {
  const ctx = await getAppContext();
  const price = String(form.get("price") ?? "");
  const type = String(form.get("type") ?? "");
  const result = await createTestOrder(ctx, price, type);
  if (!result.ok) return { error: result.message };
  redirect(new URL(result.payUrl).pathname);
}
