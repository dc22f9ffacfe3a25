/**
 * What every benchmark scenario shares: the result type, the run context (a fresh database of each
 * kind), argument parsing and the printer. A scenario is one file in bench/ exporting a `Scenario`;
 * bench/index.ts lists them, and each file can also run alone (`node bin/run-ts.js bench/<file>.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDb, type Database, type DbKind } from '../src/db/client.ts';
import { createThrowawayDatabase } from '../src/db/testing.ts';

export type Scale = 's' | 'm' | 'l';

/**
 * One measured figure beside its limit measured in the same run on the same machine: ratio is
 * figure / limit, and `met` says whether the ratio reached the goal — at least the goal when higher
 * is better (throughput), at most the goal when lower is better (`better: 'lower'`: latency, time).
 */
export interface BenchResult {
  scenario: string;
  db: DbKind | 'none';
  figure: number;
  unit: string;
  limit: number;
  ratio: number;
  goal: number;
  met: boolean;
  better: 'higher' | 'lower';
}

export interface BenchContext {
  db: Database;
  scale: Scale;
  /** A temp folder of the run's own (blobs, keys, the PGlite data folder). */
  dir: string;
  /** Progress for people; silent with --json. */
  note(message: string): void;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

export const result = (r: Omit<BenchResult, 'ratio' | 'met' | 'better'> & { better?: 'higher' | 'lower' }): BenchResult => {
  const better = r.better ?? 'higher';
  const ratio = r.limit > 0 ? r.figure / r.limit : better === 'lower' ? Infinity : 0;
  const met = better === 'lower' ? ratio <= r.goal : ratio >= r.goal;
  return { scenario: r.scenario, db: r.db, figure: r.figure, unit: r.unit, limit: r.limit, ratio, goal: r.goal, met, better };
};

export interface BenchArgs {
  scale: Scale;
  json: boolean;
  only: string | undefined;
}

export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { scale: 's', json: false, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--scale') {
      const s = argv[++i];
      if (s !== 's' && s !== 'm' && s !== 'l') throw new Error(`--scale must be s, m or l, got ${s}`);
      args.scale = s;
    } else if (a === '--only') args.only = argv[++i];
    else if (a !== '--') throw new Error(`unknown argument ${a} (use --scale s|m|l, --json, --only NAME)`);
  }
  return args;
}

/** PGlite always (in a temp data folder on disk); PostgreSQL too when DATABASE_URL is set. */
export async function* databases(): AsyncGenerator<{ kind: DbKind; open: (dir: string) => Promise<Database> }> {
  yield { kind: 'pglite', open: (dir) => createDb({ dataDir: join(dir, 'pgdata') }) };
  const url = process.env.DATABASE_URL;
  if (url) {
    yield {
      kind: 'postgres',
      async open() {
        // A database of its own beside DATABASE_URL, dropped afterwards, so runs never mix.
        const t = await createThrowawayDatabase(url);
        const db = await createDb({ url: t.url, poolSize: 4 });
        return { ...db, close: async () => { await db.close(); await t.drop(); } };
      },
    };
  }
}

export async function runScenarios(scenarios: Scenario[], args: BenchArgs): Promise<BenchResult[]> {
  const note = (m: string) => {
    if (!args.json) process.stderr.write(`${m}\n`);
  };
  const all: BenchResult[] = [];
  for (const s of scenarios) {
    if (args.only && s.name !== args.only) continue;
    for await (const d of databases()) {
      const dir = mkdtempSync(join(tmpdir(), `vigil-bench-${s.name}-`));
      const db = await d.open(dir);
      try {
        note(`${s.name} on ${d.kind} (scale ${args.scale}): ${s.description}`);
        all.push(...(await s.run({ db, scale: args.scale, dir, note })));
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return all;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));

export function print(results: BenchResult[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const rows = results.map((r) => [r.scenario, r.db, `${fmt(r.figure)} ${r.unit}`, fmt(r.limit), `${(r.ratio * 100).toFixed(1)} %`, `${r.better === 'lower' ? '≤' : '≥'} ${(r.goal * 100).toFixed(0)} %`, r.met ? 'yes' : 'NO']);
  const head = ['SCENARIO', 'DB', 'FIGURE', 'LIMIT', 'RATIO', 'GOAL', 'MET'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
}

/** Lets a scenario file run alone: `node bin/run-ts.js bench/<file>.ts [--scale m] [--json]`. */
export async function runIfMain(url: string, scenario: Scenario): Promise<void> {
  if (!process.argv[1] || pathToFileURL(process.argv[1]).href !== url) return;
  const args = parseArgs(process.argv.slice(2));
  print(await runScenarios([scenario], args), args.json);
}
