import type { Migration } from "kysely";
import { issuedSignaturesMigration } from "./migration-010-issued-signatures";
import { consoleSessionsMigration } from "./migration-011-console-sessions";
import { paymentsContentDedup } from "./migration-012-payments-content-dedup";
import { alertsMigration } from "./migration-013-alerts";
import { refundsMigration } from "./migration-014-refunds";
import { channelBudgetsMigration } from "./migration-015-channel-budgets";
import { consoleUsersMigration } from "./migration-016-console-users";
import { settingsMigration } from "./migration-017-settings";
import { ordersExportOrderMigration } from "./migration-018-orders-export-order";
import type { Dialect } from "./migrations";

/**
 * The migrations from 010 on, one file each (`migration-0NN-*.ts`), spread into migrations.ts after the early ones
 * written inline there. Kysely runs them by name, so the order here does not matter; a new one takes the next
 * number, its own file and one line here.
 */
export function fileMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    "010_issued_signatures": issuedSignaturesMigration(),
    "011_console_sessions": consoleSessionsMigration(dialect),
    "012_payments_content_dedup": paymentsContentDedup(dialect),
    "013_alerts": alertsMigration(dialect),
    "014_refunds": refundsMigration(dialect),
    "015_channel_budgets": channelBudgetsMigration(),
    "016_console_users": consoleUsersMigration(),
    "017_settings": settingsMigration(dialect),
    "018_orders_export_order": ordersExportOrderMigration(),
  };
}
