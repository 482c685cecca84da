// Migrations are registered here explicitly, in order; each has a down.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './2026_11_22_0001_core.ts';

export const migrations: Record<string, Migration> = {
  '2026_11_22_0001_core': m0001,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
