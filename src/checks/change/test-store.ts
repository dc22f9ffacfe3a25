/**
 * For the GitHub checks' tests: a fresh database (PGlite, or PostgreSQL with TEST_DATABASE_URL)
 * and a workspace per test, rows stored exactly as the collection engine stores the GitHub
 * connector's output (validated against the connector's own schemas, keyed by its primary key),
 * and a check evaluated over them.
 */
import type { z } from 'zod';
import { github } from '../../connectors/github/index.ts';
import type { Database } from '../../db/client.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { resources } from '../../db/schema/resources.ts';
import type { CheckDefinition, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';

let counter = 0;

export interface CheckStore {
  workspaceId: string;
  /** Store a row of a GitHub resource (by its name, e.g. `pull-requests`); returns its result id. */
  put(resource: string, row: Record<string, unknown>, evidenceId?: string | null): Promise<string>;
  evaluate<P extends z.ZodType>(check: CheckDefinition<P>, now: Date, params?: Partial<z.input<P>>): Promise<CheckResult[]>;
}

export async function createCheckStore(db: Database, source = 'github'): Promise<CheckStore> {
  const ws = await createWorkspaceRepo(db.orm).ensure(`gh-checks-${process.pid}-${++counter}`, 'GitHub checks');
  return {
    workspaceId: ws.id,
    async put(name, row, evidenceId) {
      const resource = github.resources.find((r) => r.name === name);
      if (!resource) throw new Error(`the GitHub connector has no resource ${name}`);
      const data = resource.schema.parse(row) as Record<string, unknown>;
      const keys = typeof resource.primaryKey === 'string' ? [resource.primaryKey] : resource.primaryKey;
      const key = keys.map((k) => String(data[k])).join('/');
      const type = `github.${name}`;
      const t = new Date('2026-01-01T00:00:00Z');
      await db.orm
        .insert(resources)
        .values({ workspaceId: ws.id, source, type, key, data, dataHash: key, firstSeenAt: t, lastSeenAt: t, changedAt: t, evidenceId: evidenceId === undefined ? `ev_${type}_${key}` : evidenceId });
      return `${type}/${key}`;
    },
    async evaluate(check, now, params = {}) {
      const results = await check.evaluate({ workspaceId: ws.id, params: check.params.parse(params), now, inputs: createInputReader(db.orm, ws.id) });
      return [...results].sort((a, b) => a.resource.localeCompare(b.resource));
    },
  };
}
