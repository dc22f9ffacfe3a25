/**
 * Test helper: run the AWS connector against a fixture server through the engine's entry points
 * (runTestConnection, readResource, readEvents), keeping rows, outcomes, gaps and log lines.
 */
import { createRunContext, readEvents, readResource, runTestConnection, type ConnectionInfo, type EngineRunContext, type LogEntry, type ReadOutcome, type Row } from '../../sdk/index.ts';
import { createTestTime } from '../../sdk/testing/index.ts';
import { aws } from '../index.ts';
import { startAwsFixtureServer, type AwsExchange, type AwsFixtureServer } from './aws-fixture-server.ts';
import { testConfig } from './exchanges.ts';

export const NOW = '2021-11-20T00:00:00.000Z';

export interface Collected {
  server: AwsFixtureServer;
  ctx: EngineRunContext;
  logs: LogEntry[];
}

/** A run context pointing at a fresh fixture server; the server is closed after `run`. */
export async function withAws<T>(exchanges: readonly AwsExchange[], run: (c: Collected) => Promise<T>, config: Record<string, unknown> = {}, now = NOW): Promise<T> {
  const server = await startAwsFixtureServer(exchanges);
  const logs: LogEntry[] = [];
  try {
    const ctx = createRunContext({
      connector: aws,
      config: { ...testConfig(server.url), ...config },
      clock: createTestTime(now).clock,
      onLog: (e) => logs.push(e),
      where: 'source aws-test',
    });
    return await run({ server, ctx, logs });
  } finally {
    await server.close();
  }
}

export async function connection(ctx: EngineRunContext): Promise<ConnectionInfo> {
  return runTestConnection(ctx);
}

/** Read one resource or event stream by name; rows as the engine would store them. */
export async function read(ctx: EngineRunContext, name: string, cursor: string | null = null): Promise<Omit<ReadOutcome, 'rows'> & { rows: Row[]; count: number; cursor?: string | null; cursors: (string | null)[] }> {
  const rows: Row[] = [];
  const cursors: (string | null)[] = [];
  const resource = ctx.connector.resources.find((r) => r.name === name);
  if (resource) {
    const outcome = await readResource(ctx, resource, (page) => void rows.push(...page));
    return { ...outcome, count: outcome.rows, rows, cursors };
  }
  const events = ctx.connector.events.find((e) => e.name === name);
  if (!events) throw new Error(`no resource or events named ${name}`);
  const outcome = await readEvents(ctx, events, cursor, (page) => {
    rows.push(...page.rows);
    cursors.push(page.cursor);
  });
  return { ...outcome, count: outcome.rows, rows, cursors };
}
