/**
 * The schema: one file per table. This index is the list drizzle needs for typed queries.
 * Tables are created by the SQL migrations in ../migrations (applied at start); a test checks
 * that every table declared here exists after migrating.
 */
export * from './workspaces.ts';
export * from './controls.ts';
export * from './control-requirements.ts';
export * from './sources.ts';
export * from './source-runs.ts';
export * from './resources.ts';
export * from './events.ts';
export * from './event-cursors.ts';
export * from './check-results.ts';
export * from './check-result-counts.ts';
export * from './check-result-days.ts';
export * from './check-runs.ts';
export * from './findings.ts';
export * from './finding-events.ts';
export * from './outbox-deliveries.ts';
export * from './evidence-log-heads.ts';
export * from './evidence-records.ts';
export * from './evidence-tiles.ts';
export * from './evidence-checkpoints.ts';
export * from './evidence-blob-refs.ts';
export * from './evidence-blob-releases.ts';
export * from './resource-snapshots.ts';
export * from './users.ts';
export * from './sessions.ts';
export * from './api-tokens.ts';
export * from './account-links.ts';
export * from './sign-in-attempts.ts';
export * from './audit-periods.ts';
export * from './audit-period-auditors.ts';
export * from './source-configs.ts';
export * from './alert-channel-configs.ts';
export * from './setting-overrides.ts';
export * from './workspace-changes.ts';
