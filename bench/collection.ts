/**
 * Resource collection at scale: the generated inventory (bench/generate.ts, built on the demo
 * organization) written as a full snapshot of every source through the engine's inventory upsert
 * and snapshot evidence (`collectRows`: canonical JSON, SHA-256 per row, the JSONL attachment, one
 * `resource.snapshot` record per type, rows written only when new or changed) — HTTP bypassed,
 * since at this volume a simulated API would be what is measured. Then the same snapshot again
 * (nothing changed: nothing but the snapshot evidence may be written) and a snapshot with 1 % of
 * every type changed. The limit is a bare COPY of the same rows into a plain table, in the same run.
 */
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import copyStreams from 'pg-copy-streams';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';
import { createWorkspaceRepo } from '../src/db/repositories/workspaces.ts';
import { createBlobStore } from '../src/evidence/blob-store.ts';
import { generateSigningKey } from '../src/evidence/keys.ts';
import { createEvidenceLog } from '../src/evidence/log.ts';
import { systemClock } from '../src/lib/clock.ts';
import { generateOrg, loadOrg, rowCount, type GeneratedOrg } from './generate.ts';
import { result, runIfMain, type Scenario } from './lib.ts';

/** COPY's text format: tab-separated, one row per line; a JSON text needs only its backslashes doubled. */
const copyLine = (ws: string, source: string, type: string, key: string, json: string) =>
  `${ws}\t${source}\t${type}\t${key}\t${json.replaceAll('\\', '\\\\')}\t${createHash('sha256').update(json).digest('hex')}\n`;

/** Time spent producing rows (the provider's part), left out of the COPY's time as of Vigil's. */
let generateMs = 0;

function* copyText(ws: string, t: GeneratedOrg['types'][number]): Generator<string> {
  const keys = typeof t.primaryKey === 'string' ? [t.primaryKey] : t.primaryKey;
  const pages = t.pages(0);
  for (;;) {
    const started = performance.now();
    const next = pages.next();
    generateMs += performance.now() - started;
    if (next.done) return;
    const page = next.value;
    let text = '';
    for (const row of page) text += copyLine(ws, t.source, t.type, keys.map((k) => String(row[k])).join('/'), JSON.stringify(row));
    yield text;
  }
}

/** A bare COPY of every generated row (its key, JSON and hash) into a plain table: the write limit. */
async function bareCopy(db: Database, org: GeneratedOrg, ws: string): Promise<number> {
  await db.orm.execute(sql`CREATE TABLE bench_copy (workspace_id text, source text, type text, key text, data jsonb, data_hash text)`);
  const columns = 'bench_copy (workspace_id, source, type, key, data, data_hash)';
  let rows = 0;
  generateMs = 0;
  const t0 = performance.now();
  for (const t of org.types) {
    if (db.driver.kind === 'pglite') {
      const parts = [...copyText(ws, t)];
      await db.driver.client.query(`COPY ${columns} FROM '/dev/blob'`, [], { blob: new Blob(parts) });
    } else {
      const client = await db.driver.pool.connect();
      try {
        const stream = client.query(copyStreams.from(`COPY ${columns} FROM STDIN`));
        await pipeline(
          async function* () {
            for (const text of copyText(ws, t)) yield Buffer.from(text);
          },
          stream as unknown as Writable,
        );
      } finally {
        client.release();
      }
    }
  }
  const ms = performance.now() - t0 - generateMs;
  rows = (await db.orm.select({ n: sql<number>`count(*)::int` }).from(sql`bench_copy`))[0]!.n;
  await db.orm.execute(sql`DROP TABLE bench_copy`);
  return (rows / ms) * 1000;
}

export const collection: Scenario = {
  name: 'collection',
  // The full size is 100× scale s (500 000 cloud resources, 20 000 people, 2 000 repositories).
  fullScale: { size: rowCount(generateOrg('s')) * 100, what: 'inventory rows (500 000 cloud resources, 20 000 people, 2 000 repositories)' },
  description:
    'inventory upsert of the generated organization (engine write path: canonical JSON + SHA-256 per row, JSONL snapshot evidence, rows written only when changed; HTTP and producing the rows left out of the time) — full write, unchanged snapshot, 1 % changed — vs a bare COPY of the same rows',
  async run({ db, scale, dir, note }) {
    const kind = db.kind;
    const org = generateOrg(scale);
    const ws = await createWorkspaceRepo(db.orm).ensure('bench', 'Bench');
    const blobs = createBlobStore({ dir: join(dir, 'blobs') });
    const { key } = generateSigningKey();
    const evidence = createEvidenceLog({ db, clock: systemClock, blobs, key });
    const deps = { db, clock: systemClock, evidence, blobs };
    note(`  ${org.counts.cloud} cloud resources, ${org.counts.people} people, ${org.counts.repos} repositories, ${org.counts.accounts} AWS accounts`);

    const copyRate = await bareCopy(db, org, ws.id);
    note(`  bare COPY ${Math.round(copyRate)} rows/s`);

    const timed = async (round: number) => {
      const t = performance.now();
      const r = await loadOrg(deps, ws.id, org, round);
      const ms = performance.now() - t - r.generateMs;
      return { ...r, ms, perSec: (r.rows / ms) * 1000 };
    };
    const full = await timed(0);
    note(`  full write: ${full.rows} rows (${full.changed} written) in ${(full.ms / 1000).toFixed(1)} s, ${Math.round(full.perSec)} rows/s`);
    // After a bulk load the planner needs statistics to look pages up by key (the maintenance job
    // runs ANALYZE periodically; PGlite has no autovacuum to do it).
    await db.orm.execute(sql`ANALYZE resources`);
    const same = await timed(0);
    note(`  unchanged: ${same.changed} written in ${(same.ms / 1000).toFixed(1)} s, ${Math.round(same.perSec)} rows/s`);
    const changed = await timed(1);
    note(`  1 % changed: ${changed.changed} written in ${(changed.ms / 1000).toFixed(1)} s, ${Math.round(changed.perSec)} rows/s`);
    if (same.changed !== 0) throw new Error(`an unchanged snapshot wrote ${same.changed} rows: the upsert must write only changes`);
    if (changed.changed === 0 || changed.changed > changed.rows * 0.011) throw new Error(`a 1 % change wrote ${changed.changed} of ${changed.rows} rows`);

    const n = full.rows;
    return [
      // A full first write does everything a bare COPY does plus canonical JSON, hashing, the JSONL
      // attachment, evidence and the upsert's key lookup: a tenth of COPY's rate is the floor.
      result({ scenario: 'collection.full', db: kind, figure: full.perSec, unit: 'resources/s', limit: copyRate, goal: 0.1, size: n }),
      // The goal of issue 7: an unchanged snapshot at least 5× faster than the full write.
      result({ scenario: 'collection.unchanged', db: kind, figure: same.perSec, unit: 'resources/s', limit: full.perSec, goal: 5, size: n }),
      result({ scenario: 'collection.changed-1pct', db: kind, figure: changed.perSec, unit: 'resources/s', limit: full.perSec, goal: 5, size: n }),
    ];
  },
};

await runIfMain(import.meta.url, collection);
