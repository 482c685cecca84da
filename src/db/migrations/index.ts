// Migrations are registered here explicitly, in order; each has a down.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './2026_11_22_0001_core.ts';
import * as m0002 from './2026_11_22_0002_watchlists.ts';
import * as m0003 from './2026_11_22_0003_alert_workflow.ts';
import * as m0004 from './2026_11_22_0004_evidence.ts';
import * as m0005 from './2026_11_22_0005_reports.ts';
import * as m0006 from './2026_11_23_0006_snapshot_lz4.ts';
import * as m0007 from './2026_11_23_0007_report_deliveries.ts';
import * as m0008 from './2026_11_23_0008_alert_source.ts';

export const migrations: Record<string, Migration> = {
  '2026_11_22_0001_core': m0001,
  '2026_11_22_0002_watchlists': m0002,
  '2026_11_22_0003_alert_workflow': m0003,
  '2026_11_22_0004_evidence': m0004,
  '2026_11_22_0005_reports': m0005,
  '2026_11_23_0006_snapshot_lz4': m0006,
  '2026_11_23_0007_report_deliveries': m0007,
  '2026_11_23_0008_alert_source': m0008,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
