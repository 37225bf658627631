import type { Generated } from "kysely";

/** Operator alerts as stored (migration 013; written by lib/storage/alerts-repo.ts, used by lib/alerts). */

export type AlertSeverity = "info" | "warning" | "critical";
/** raised / recovered: a condition's two messages; event: a one-off (a payment kept for review); test; summary. */
export type AlertKind = "raised" | "recovered" | "event" | "test" | "summary";
export type AlertDeliveryStatus = "pending" | "delivered" | "failed";

export interface AlertRecord {
  id: number;
  condition: string | null;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  body: string;
  created_at: number;
}

export interface AlertDeliveryRecord {
  id: number;
  alert_id: number;
  sink_id: string;
  status: AlertDeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  lease_until: number;
  lease_owner: string | null;
  /** The sink's answer to the last attempt (status and the first 500 characters), or the transport error. */
  last_answer: string | null;
  created_at: number;
  delivered_at: number | null;
  updated_at: number;
}

export interface AlertConditionsTable {
  condition: string;
  /** 1 while raised, 0 once cleared. */
  active: number;
  severity: string;
  raised_at: number;
  cleared_at: number | null;
  updated_at: number;
}

export type AlertsTable = Omit<AlertRecord, "id" | "kind" | "severity"> & {
  id: Generated<number>;
  kind: string;
  severity: string;
};

export type AlertDeliveriesTable = Omit<AlertDeliveryRecord, "id" | "status"> & {
  id: Generated<number>;
  status: string;
};
