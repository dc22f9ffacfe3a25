import { boolean, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt, workspaceId } from './_helpers.ts';

/**
 * A source added through the API: what vigil.yaml would say about it, with each secret field of
 * `config` sealed (AES-256-GCM, src/core/secret-box.ts). Its health lives in `sources`.
 */
export const sourceConfigs = pgTable(
  'source_configs',
  {
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    schedule: text('schedule'),
    enabled: boolean('enabled').notNull().default(true),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    http: jsonb('http').$type<{ requestsPerSecond?: number | undefined; timeoutMs?: number | undefined }>(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

export type SourceConfigRow = typeof sourceConfigs.$inferSelect;
