import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThrowawayDatabase } from '../../db/testing.ts';
import { runWithIo } from '../io.ts';
import { main } from '../main.ts';

let dir: string;
let cfg: string;
let drop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-cli-evidence-'));
  cfg = join(dir, 'vigil.yaml');
  let database = '';
  if (process.env.TEST_DATABASE_URL) {
    const t = await createThrowawayDatabase(process.env.TEST_DATABASE_URL);
    drop = t.drop;
    database = `database:\n  url: ${t.url}\n`;
  }
  writeFileSync(
    cfg,
    `workspace:\n  slug: acme\n  name: Acme\ndataDir: ./data\n${database}evidence:\n  witnesses:\n    - type: file\n      path: witness/checkpoints.txt\n`,
  );
  writeFileSync(join(dir, 'minutes.pdf'), '%PDF-1.7 board minutes');
});
afterAll(async () => {
  await drop?.();
  rmSync(dir, { recursive: true, force: true });
});

async function vigil(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), isTTY: false, cwd: dir };
  const code = await runWithIo(io, () => main(['node', 'vigil', '-c', cfg, ...args]));
  return { code, out, err };
}
const json = async <T>(...args: string[]): Promise<T> => {
  const r = await vigil(...args, '--json');
  if (r.code !== 0) throw new Error(`vigil ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
};

describe('vigil evidence', () => {
  let key: string;
  let recordId: string;

  it('prints the verifier key of the workspace', async () => {
    const k = await json<{ verifierKey: string; keyId: string; file: string }>('evidence', 'key');
    expect(k.verifierKey).toMatch(/^vigil\.evidence\/ws_\w+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
    expect(k.file).toBe(join(dir, 'data', 'keys', 'evidence-ed25519.pem'));
    key = k.verifierKey;
  });

  it('adds manual evidence for a control and refuses an unknown control', async () => {
    const controls = await json<{ id: string }[]>('controls');
    const control = controls[0]!.id;
    const r = await json<{ id: string; subject: string; effectiveAt: string }>('evidence', 'add', '--control', control, '--file', 'minutes.pdf', '--effective', '2026-03-31', '--note', 'Q1 board');
    expect(r).toMatchObject({ subject: `control:${control}`, effectiveAt: '2026-03-31T00:00:00.000Z' });
    recordId = r.id;
    const bad = await vigil('evidence', 'add', '--control', 'NO-SUCH', '--file', 'minutes.pdf');
    expect(bad.code).toBe(4);
    expect(bad.err).toMatch(/no control "NO-SUCH"/);
    const list = await json<{ id: string; kind: string }[]>('evidence', 'list', '--kind', 'manual');
    expect(list.map((x) => x.id)).toEqual([recordId]);
  });

  it('proves a record, signing a checkpoint and writing it to the file witness', async () => {
    const p = await json<{ leafIndex: number; checkpoint: { note: string } }>('evidence', 'prove', recordId);
    expect(p.leafIndex).toBe(0);
    expect(readFileSync(join(dir, 'witness', 'checkpoints.txt'), 'utf8')).toContain(p.checkpoint.note);
  });

  it('proves that today’s log extends the checkpoints the witness kept', async () => {
    await json('evidence', 'checkpoint');
    const r = await json<{ consistent: { oldSize: number }[] }>('evidence', 'consistency', '--from', 'witness/checkpoints.txt');
    expect(r.consistent.map((c) => c.oldSize)).toEqual([1, 2]);
  });

  it('exports a period and verifies it offline, exiting 7 naming the record once tampered', async () => {
    const exp = await json<{ records: number }>('evidence', 'export', '--from', '2026-03-01', '--to', '2026-04-01', '--out', 'q1.zip');
    expect(exp.records).toBe(1);
    const ok = await vigil('evidence', 'verify', 'q1.zip', '--key', key);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/the bundle verifies: 1 records/);

    await json('evidence', 'export', '--from', '2026-03-01', '--to', '2026-04-01', '--out', 'q1');
    cpSync(join(dir, 'q1'), join(dir, 'q1-bad'), { recursive: true });
    const recs = join(dir, 'q1-bad', 'records.jsonl');
    writeFileSync(recs, readFileSync(recs, 'utf8').replace('Q1 board', 'Q2 board'));
    const bad = await vigil('evidence', 'verify', 'q1-bad', '--key', key);
    expect(bad.code).toBe(7);
    expect(bad.err).toContain(`record ${recordId}`);
    expect(bad.err).toMatch(/content was changed/);
  });

  it('verifies the stored log in full', async () => {
    const r = await json<{ records: number; checkpoints: number }>('evidence', 'verify', '--log');
    expect(r.checkpoints).toBeGreaterThanOrEqual(2);
  });
});
