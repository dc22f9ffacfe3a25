/**
 * For the git checks' tests: a fresh workspace, `git.commits` rows stored as the collection engine
 * stores them (validated against the connector's schema, keyed `<repository>/<sha>`), either
 * written by hand or collected from a real repository with the connector, and a check evaluated.
 */
import type { z } from 'zod';
import { git } from '../../connectors/git/index.ts';
import { createRunContext, readResource, type Row } from '../../connectors/sdk/index.ts';
import type { Database } from '../../db/client.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { resources } from '../../db/schema/resources.ts';
import type { Clock } from '../../lib/clock.ts';
import type { CheckDefinition, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';
import { GIT_COMMITS } from './git-rows.ts';

let counter = 0;
const commits = git.resources[0]!;

export interface GitCheckStore {
  workspaceId: string;
  /** Store one commit row; returns its result id (`git.commits/<repository>/<sha>`). */
  put(row: Record<string, unknown>): Promise<string>;
  /** Collect with the git connector (config as in vigil.yaml) and store every row. */
  collect(config: Record<string, unknown>, clock: Clock): Promise<Row[]>;
  evaluate<P extends z.ZodType>(check: CheckDefinition<P>, now: Date, params?: Partial<z.input<P>>): Promise<CheckResult[]>;
}

export async function createGitCheckStore(db: Database, source = 'git'): Promise<GitCheckStore> {
  const ws = await createWorkspaceRepo(db.orm).ensure(`git-checks-${process.pid}-${++counter}`, 'git checks');
  const put = async (row: Record<string, unknown>) => {
    const data = commits.schema.parse(row) as Record<string, unknown>;
    const key = `${String(data.repository)}/${String(data.sha)}`;
    const t = new Date('2026-01-01T00:00:00Z');
    await db.orm
      .insert(resources)
      .values({ workspaceId: ws.id, source, type: GIT_COMMITS, key, data, dataHash: key, firstSeenAt: t, lastSeenAt: t, changedAt: t, evidenceId: `ev_${key}` });
    return `${GIT_COMMITS}/${key}`;
  };
  return {
    workspaceId: ws.id,
    put,
    async collect(config, clock) {
      const ctx = createRunContext({ connector: git, config, clock });
      const rows: Row[] = [];
      await readResource(ctx, commits, async (page) => {
        for (const row of page) await put(row);
        rows.push(...page);
      });
      return rows;
    },
    async evaluate(check, now, params = {}) {
      const results = await check.evaluate({ workspaceId: ws.id, params: check.params.parse(params), now, inputs: createInputReader(db.orm, ws.id) });
      return [...results].sort((a, b) => a.resource.localeCompare(b.resource));
    },
  };
}
