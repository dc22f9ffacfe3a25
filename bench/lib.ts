/**
 * What every benchmark scenario shares: the result type, the run context (a fresh database of each
 * kind), argument parsing and the printer. A scenario is one file in bench/ exporting a `Scenario`;
 * bench/index.ts lists them, and each file can also run alone (`node bin/run-ts.js bench/<file>.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
  /** How many items (events, resources, records…) the figure was measured over, for growth. */
  size?: number;
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
  /** The full size of issue 7's large customer, for the projection in docs/performance.md. */
  fullScale?: { size: number; what: string };
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

export const result = (r: Omit<BenchResult, 'ratio' | 'met' | 'better'> & { better?: 'higher' | 'lower' }): BenchResult => {
  const better = r.better ?? 'higher';
  const ratio = r.limit > 0 ? r.figure / r.limit : better === 'lower' ? Infinity : 0;
  const met = better === 'lower' ? ratio <= r.goal : ratio >= r.goal;
  return { scenario: r.scenario, db: r.db, figure: r.figure, unit: r.unit, limit: r.limit, ratio, goal: r.goal, met, better, ...(r.size === undefined ? {} : { size: r.size }) };
};

export interface BenchArgs {
  scale: Scale;
  json: boolean;
  only: string | undefined;
  /** Keep bench/results/<scale>.json and docs/performance.md as they are. */
  noSave: boolean;
  /** Run nothing: write docs/performance.md again from the figures kept (after editing NOTES.md). */
  reportOnly: boolean;
  /** Internal: run one scenario on one database in this process (the parent runs each so). */
  child: { scenario: string; db: DbKind } | undefined;
}

export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { scale: 's', json: false, only: undefined, noSave: false, reportOnly: false, child: undefined };
  let childScenario: string | undefined;
  let childDb: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--no-save') args.noSave = true;
    else if (a === '--report-only') args.reportOnly = true;
    else if (a === '--scale') {
      const s = argv[++i];
      if (s !== 's' && s !== 'm' && s !== 'l') throw new Error(`--scale must be s, m or l, got ${s}`);
      args.scale = s;
    } else if (a === '--only') args.only = argv[++i];
    else if (a === '--child') childScenario = argv[++i];
    else if (a === '--db') childDb = argv[++i];
    else if (a !== '--') throw new Error(`unknown argument ${a} (use --scale s|m|l, --json, --only NAME, --no-save, --report-only)`);
  }
  if (childScenario) {
    if (childDb !== 'pglite' && childDb !== 'postgres') throw new Error(`--db must be pglite or postgres, got ${childDb}`);
    args.child = { scenario: childScenario, db: childDb };
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

const MARK = 'BENCH-RESULTS ';
const MiB = 2 ** 20;

/**
 * Runs one scenario on one database in this process and prints its results on stdout after MARK,
 * with its peak RSS beside the RSS of the same process once the database is open (the part of
 * memory a scenario cannot avoid), so that each scenario's memory is its own.
 */
async function runChild(scenarios: Scenario[], args: BenchArgs & { child: NonNullable<BenchArgs['child']> }): Promise<void> {
  const scenario = scenarios.find((s) => s.name === args.child.scenario);
  if (!scenario) throw new Error(`no scenario named ${args.child.scenario}`);
  let found: { kind: DbKind; open: (dir: string) => Promise<Database> } | undefined;
  for await (const d of databases()) if (d.kind === args.child.db) found = d;
  if (!found) throw new Error(`database ${args.child.db} is not available (PostgreSQL needs DATABASE_URL)`);
  const note = (m: string) => {
    if (!args.json) process.stderr.write(`${m}\n`);
  };
  const dir = mkdtempSync(join(tmpdir(), `vigil-bench-${scenario.name}-`));
  const db = await found.open(dir);
  const out: BenchResult[] = [];
  try {
    note(`${scenario.name} on ${found.kind} (scale ${args.scale}): ${scenario.description}`);
    const baseline = process.memoryUsage.rss() / MiB;
    out.push(...(await scenario.run({ db, scale: args.scale, dir, note })));
    const peak = (process.resourceUsage().maxRSS * 1024) / MiB;
    const size = out.find((r) => r.size !== undefined)?.size;
    out.push(
      result({
        scenario: `${scenario.name}.peak-rss`,
        db: found.kind,
        figure: peak,
        unit: 'MiB peak RSS',
        limit: baseline,
        goal: PEAK_RSS_BUDGET,
        better: 'lower',
        ...(size === undefined ? {} : { size }),
      }),
    );
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${MARK}${JSON.stringify(out)}\n`);
}

/**
 * A scenario may use at most this many times the memory of the same process idle with its
 * database open. Flat memory as input grows is read across scales in docs/performance.md.
 */
export const PEAK_RSS_BUDGET = 4;

/** Each scenario on each database in a child process of its own, one after the other. */
export async function runScenarios(scenarios: Scenario[], args: BenchArgs): Promise<BenchResult[]> {
  const entry = process.argv[1];
  if (!entry) throw new Error('cannot tell which file to run the scenarios from');
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const kinds: DbKind[] = [];
  for await (const d of databases()) kinds.push(d.kind);
  const all: BenchResult[] = [];
  for (const s of scenarios) {
    if (args.only && s.name !== args.only) continue;
    for (const kind of kinds) {
      const argv = [runTs, entry, '--child', s.name, '--db', kind, '--scale', args.scale, ...(args.json ? ['--json'] : [])];
      const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      const [code] = (await once(child, 'exit')) as [number | null];
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) throw new Error(`scenario ${s.name} on ${kind} failed (exit ${code})`);
      all.push(...(JSON.parse(line.slice(MARK.length)) as BenchResult[]));
    }
  }
  return all;
}

/** The bench's entry point: a scenario list (bench/index.ts, or one scenario's own file). */
export async function main(scenarios: Scenario[], argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.child) {
    await runChild(scenarios, { ...args, child: args.child });
    return;
  }
  if (args.reportOnly) {
    const { writeReport } = await import('./report.ts');
    process.stderr.write(`wrote ${writeReport()}\n`);
    return;
  }
  const results = await runScenarios(scenarios, args);
  print(results, args.json);
  if (!args.noSave) {
    const { saveResults } = await import('./report.ts');
    const written = await saveResults(scenarios, args, results);
    if (!args.json) process.stderr.write(`wrote ${written.join(' and ')}\n`);
  }
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
  await main([scenario], process.argv.slice(2));
}
