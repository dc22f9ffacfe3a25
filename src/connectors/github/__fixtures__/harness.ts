/**
 * Runs one GitHub listing against the recorded routes (optionally bent), on a fixed clock with the
 * rate limiter out of the way, and hands back what a test asserts on: rows, outcome, gaps and the
 * requests made. Any request no route expects fails the run.
 */
import { fixedClock } from '../../../lib/clock.ts';
import { createRunContext, readEvents, readResource, type Gap, type ReadOutcome, type Row } from '../../sdk/index.ts';
import { createTestTime, startFixtureServer, type FixtureReply, type FixtureRoute, type RecordedRequest } from '../../sdk/testing/index.ts';
import { github } from '../index.ts';
import { fixturesDir, routes, testConfig } from './routes.ts';

export const NOW = '2026-01-01T00:00:00.000Z';

export interface Run {
  rows: Row[];
  outcome: ReadOutcome & { cursor?: string | null };
  gaps: readonly Gap[];
  requests: readonly RecordedRequest[];
  /** Waits the client asked for, in ms (rate limits, Retry-After). */
  sleeps: number[];
  pages: { rows: Row[]; cursor: string | null }[];
}

/** The recorded routes with the first reply of the route named `name` replaced. */
export function bend(name: string, reply: FixtureReply | FixtureReply[], base: readonly FixtureRoute[] = routes): FixtureRoute[] {
  const i = base.findIndex((r) => r.name === name);
  if (i < 0) throw new Error(`no route named ${name}`);
  return base.map((r, j) => (j === i ? { ...r, reply } : r));
}

export async function run(
  name: string,
  options: { routes?: readonly FixtureRoute[]; config?: Record<string, unknown>; cursor?: string | null; now?: string; baseUrlPath?: string } = {},
): Promise<Run> {
  const server = await startFixtureServer(options.routes ?? routes, { fixturesDir });
  try {
    const time = createTestTime(options.now ?? NOW);
    const ctx = createRunContext({
      connector: github,
      config: { ...testConfig(`${server.url}${options.baseUrlPath ?? ''}`), ...options.config },
      clock: fixedClock(options.now ?? NOW),
      sleep: time.sleep,
      http: { rateLimit: { requestsPerSecond: 100_000 }, random: () => 0.5 },
    });
    const rows: Row[] = [];
    const pages: Run['pages'] = [];
    const resource = github.resources.find((r) => r.name === name);
    let outcome: Run['outcome'];
    if (resource) {
      outcome = await readResource(ctx, resource, (page) => void rows.push(...page));
    } else {
      const events = github.events.find((e) => e.name === name)!;
      outcome = await readEvents(ctx, events, options.cursor ?? null, (page) => {
        rows.push(...page.rows);
        pages.push(page);
      });
    }
    server.assertNoUnexpected();
    return { rows, outcome, gaps: ctx.gaps(), requests: [...server.requests], sleeps: time.sleeps, pages };
  } finally {
    await server.close();
  }
}

/** The error a listing fails with (or a test failure when it does not fail). */
export async function failure(name: string, options: Parameters<typeof run>[1] = {}): Promise<Error & { _tag?: string; details?: Record<string, unknown> }> {
  try {
    await run(name, options);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${name} was expected to fail`);
}
