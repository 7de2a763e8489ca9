// Public API of @dispatch/db: the connection pool, the migration runner and the SQL-file reader.
export { createPool, inTransaction, isUuid, poolFromEnv } from './pool';
export type { Db, DbClient } from './pool';
export { createReadPool } from './readPool';
export { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from './migrate';
export type { MigrateResult, Migration } from './migrate';
export { Statement, bindNames, dtoRow, sqlFile } from './sqlFile';
export type { Queryable, StatementSpec } from './sqlFile';
