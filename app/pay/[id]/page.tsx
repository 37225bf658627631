import { notFound } from "next/navigation";
import { Cashier } from "@/components/cashier/cashier";
import { loadCashierModel } from "@/lib/cashier/page-model";
import { getAppContext } from "@/lib/context";

export default async function PayPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const model = await loadCashierModel(await getAppContext(), id);
  if (!model) notFound();
  return (
    <>
      {model.view.status === "pending" ? (
        <noscript>
          <meta httpEquiv="refresh" content="5" />
        </noscript>
      ) : null}
      <Cashier model={model} />
    </>
  );
}
