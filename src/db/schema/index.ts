/**
 * The schema: one file per table. This index is the list drizzle needs for typed queries.
 * Tables are created by the SQL migrations in ../migrations (applied at start); a test checks
 * that every table declared here exists after migrating.
 */
export * from './workspaces.ts';
