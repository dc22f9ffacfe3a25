/**
 * Evidence log throughput on 1 KiB records: appending (canonicalize, hash, extend the tree, write
 * records + tiles + head in one transaction per batch) and full verification (stream every record
 * back, re-hash content and envelope, rebuild the tree and compare its hashes at tile levels with
 * the stored tiles, check the head and the checkpoints). Each is a ratio of raw SHA-256 throughput
 * over the same records' bytes, measured in the same run; a profile notes where an append's time
 * goes, step by step. Memory must stay flat: the ratio of the RSS early in the run to the RSS at its end.
 */
import { hash } from 'node:crypto';
import { join } from 'node:path';
import { createWorkspaceRepo } from '../src/db/repositories/workspaces.ts';
import { canonicalize } from '../src/evidence/canonical-json.ts';
import { createBlobStore } from '../src/evidence/blob-store.ts';
import { generateSigningKey } from '../src/evidence/keys.ts';
import { createEvidenceLog, layOut, type EvidenceLog } from '../src/evidence/log.ts';
import { lockHead, writeHead, writeRecords, writeTiles } from '../src/evidence/store.ts';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../src/db/client.ts';
import { copyInto, copyText } from '../src/db/copy.ts';
import { verifyStoredLog } from '../src/evidence/verify-log.ts';
import { systemClock } from '../src/lib/clock.ts';
import { result, runIfMain, type Scenario } from './lib.ts';

const RECORDS = { s: 20_000, m: 200_000, l: 1_000_000 } as const;
const BATCH = 1000;

/** Record i's content: about 1 KiB of canonical JSON, different for every record. */
function content(i: number) {
  return { i, host: `host-${i % 977}.example.com`, status: i % 5 ? 'pass' : 'fail', data: `${i.toString(36)}:`.padEnd(960, 'abcdefghij') };
}

const rssMiB = () => process.memoryUsage.rss() / 2 ** 20;

const PROFILE_BATCHES = 5;

/**
 * Where an append's time goes: the same steps as the log's own append (log.ts `write`), timed one
 * by one over a few batches into a log of its own. Returns µs per record per step.
 */
async function profileAppend(db: Database, log: EvidenceLog, workspaceId: string, from: number): Promise<Record<string, number>> {
  const ms = { prepare: 0, lock: 0, 'hash+tree (JS)': 0, 'records insert': 0, 'tiles write': 0, 'head write': 0, commit: 0 };
  for (let b = 0; b < PROFILE_BATCHES; b++) {
    const batch = Array.from({ length: BATCH }, (_, j) => ({ kind: 'resource.snapshot' as const, source: 'bench', subject: `host-${(from + j) % 977}`, content: content(from + b * BATCH + j) }));
    let t = performance.now();
    const prepared = await log.prepare(workspaceId, batch);
    ms.prepare += performance.now() - t;
    let inner = 0;
    const t0 = performance.now();
    await db.orm.transaction(async (tx) => {
      const step = async (name: keyof typeof ms, f: () => Promise<unknown> | unknown) => {
        t = performance.now();
        const r = await f();
        const d = performance.now() - t;
        ms[name] += d;
        inner += d;
        return r;
      };
      const frontier = await step('lock', () => lockHead(tx, workspaceId)) as Awaited<ReturnType<typeof lockHead>>;
      const out = await step('hash+tree (JS)', () => layOut(frontier, prepared)) as ReturnType<typeof layOut>;
      await step('records insert', () => writeRecords(db.kind, tx, workspaceId, out.rows));
      await step('tiles write', () => writeTiles(tx, workspaceId, out.tiles));
      await step('head write', () => writeHead(tx, workspaceId, frontier, new Date()));
    });
    ms.commit += performance.now() - t0 - inner;
  }
  const per = (v: number) => (v * 1000) / (PROFILE_BATCHES * BATCH);
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, per(v)]));
}

/**
 * What the database alone costs for the same records, with nothing of the log: a bare COPY of
 * (number, content) into a table with only a primary key, and reading them back in pages of 5 000.
 * Shown beside the figures, as records/s, so a reader sees how much of the goal any design that
 * keeps the records in this database could reach on this machine.
 */
async function bareDatabase(db: Database, n: number): Promise<{ copyPerSec: number; readPerSec: number }> {
  await db.orm.execute(sql`CREATE TABLE bench_bare (n bigint PRIMARY KEY, content text NOT NULL)`);
  let copyMs = 0;
  for (let lo = 0; lo < n; lo += BATCH) {
    let payload = '';
    for (let j = lo; j < Math.min(lo + BATCH, n); j++) payload += `${j}\t${copyText(canonicalize(content(j)))}\n`;
    const t = performance.now();
    await copyInto(db.orm, 'bench_bare (n, content)', payload);
    copyMs += performance.now() - t;
  }
  let readMs = 0;
  let read = 0;
  for (let lo = 0; lo < n; lo += 5000) {
    const t = performance.now();
    const r = await db.orm.execute(sql`SELECT n, content FROM bench_bare WHERE n >= ${lo} AND n < ${lo + 5000} ORDER BY n`);
    readMs += performance.now() - t;
    read += rowsOf(r).length;
  }
  await db.orm.execute(sql`DROP TABLE bench_bare`);
  if (read !== n) throw new Error(`read back ${read} of ${n} bare records`);
  return { copyPerSec: (n / copyMs) * 1000, readPerSec: (n / readMs) * 1000 };
}

export const evidence: Scenario = {
  name: 'evidence',
  fullScale: { size: 50_000_000, what: 'evidence records a month (the audit-log events alone)' },
  description: 'append and full-verification throughput of 1 KiB records vs raw SHA-256 of the same bytes',
  async run({ db, scale, dir, note }) {
    const n = RECORDS[scale];
    const kind = db.kind;
    const size = Buffer.byteLength(canonicalize(content(0)));
    note(`  ${n} records of ${size} bytes of canonical JSON`);

    // The limit: SHA-256 over the same records' canonical bytes, measured batch by batch in between
    // the batches appended, so both figures see the same machine at the same moments (shared CI
    // machines vary by a factor of two from one second to the next).
    let hashed = 0;
    let hashMs = 0;
    const hashBatch = (lo: number, count: number) => {
      const bufs = Array.from({ length: count }, (_, j) => Buffer.from(canonicalize(content(lo + j))));
      const t = performance.now();
      for (const b of bufs) hash('sha256', b, 'buffer');
      hashMs += performance.now() - t;
      hashed += count;
    };

    const ws = await createWorkspaceRepo(db.orm).ensure('bench', 'Bench');
    const blobs = createBlobStore({ dir: join(dir, 'blobs') });
    const { key } = generateSigningKey();
    const log = createEvidenceLog({ db, clock: systemClock, blobs, key });

    let early = 0;
    const t0 = performance.now();
    for (let lo = 0; lo < n; lo += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, n - lo) }, (_, j) => ({
        kind: 'resource.snapshot' as const,
        source: 'bench',
        subject: `host-${(lo + j) % 977}`,
        content: content(lo + j),
      }));
      await log.append(ws.id, batch);
      hashBatch(lo, batch.length);
      if (!early && lo + BATCH >= n / 10) early = rssMiB();
      if ((lo / BATCH) % 50 === 49) note(`  appended ${lo + BATCH}`);
    }
    const appendPerSec = (n / (performance.now() - t0 - hashMs)) * 1000;
    await log.checkpoint(ws.id);

    const appendRaw = (hashed / hashMs) * 1000;
    hashed = 0;
    hashMs = 0;
    let verifyMs = 0;
    let t1 = performance.now();
    const report = await verifyStoredLog({ db, blobs, key }, ws.id, {
      // Between verified batches, hash the same records raw (outside the verification's time).
      onProgress: (d) => {
        verifyMs += performance.now() - t1;
        const count = d - hashed;
        if (count > 0) hashBatch(hashed, count);
        if (d % 50_000 === 0) note(`  verified ${d}`);
        t1 = performance.now();
      },
    });
    verifyMs += performance.now() - t1;
    const verifyPerSec = (report.records / verifyMs) * 1000;
    const verifyRaw = (hashed / hashMs) * 1000;
    const late = rssMiB();
    const profile = await profileAppend(db, log, (await createWorkspaceRepo(db.orm).ensure('bench-profile', 'Bench profile')).id, n);
    const total = Object.values(profile).reduce((a, b) => a + b, 0);
    note(`  append profile (${PROFILE_BATCHES} batches of ${BATCH}), µs per record: ${Object.entries(profile).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; total ${total.toFixed(1)}`);
    note(`  raw SHA-256 ${Math.round(appendRaw)} / ${Math.round(verifyRaw)} records/s; append ${Math.round(appendPerSec)}/s; verify ${Math.round(verifyPerSec)}/s; RSS ${early.toFixed(0)} MiB at 10 %, ${late.toFixed(0)} MiB at the end`);

    const bare = await bareDatabase(db, n);
    const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(1)} %`;
    note(`  the database alone: bare COPY ${Math.round(bare.copyPerSec)} records/s (${pct(bare.copyPerSec, appendRaw)} of raw SHA-256), bare read ${Math.round(bare.readPerSec)}/s (${pct(bare.readPerSec, verifyRaw)})`);

    return [
      result({
        scenario: 'evidence.append',
        db: kind,
        figure: appendPerSec,
        unit: `records/s (a bare COPY of the same records: ${pct(bare.copyPerSec, appendRaw)} of raw SHA-256)`,
        limit: appendRaw,
        goal: 0.25,
        size: n,
      }),
      result({
        scenario: 'evidence.verify',
        db: kind,
        figure: verifyPerSec,
        unit: `records/s (reading them back alone: ${pct(bare.readPerSec, verifyRaw)} of raw SHA-256)`,
        limit: verifyRaw,
        goal: 0.5,
        size: n,
      }),
      // Flat memory: the RSS at 10 % of the appends against the RSS after everything (≥ 80 % means flat).
      result({ scenario: 'evidence.rss-flat', db: kind, figure: early, unit: `MiB early (${late.toFixed(0)} MiB at end)`, limit: late, goal: 0.8, size: n }),
    ];
  },
};

await runIfMain(import.meta.url, evidence);
