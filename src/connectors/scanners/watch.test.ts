import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { createRunContext, readEvents, runTestConnection, type Row } from '../sdk/index.ts';
import { duplicateKeys } from '../sdk/testing/index.ts';
import { scannerConnectors } from './index.ts';
import { fsError } from './watch.ts';

const trivy = scannerConnectors.trivy;
const fixture = (name: string) => fileURLToPath(new URL(`./trivy/__fixtures__/${name}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'vigil-scans-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const folder = () => {
  const dir = join(scratch, `watch-${++n}`);
  mkdirSync(dir);
  return dir;
};

const clock = fixedClock('2026-03-10T12:00:00Z');

async function collect(config: Record<string, unknown>, cursor: string | null) {
  const ctx = createRunContext({ connector: trivy, config, clock });
  const pages: { rows: Row[]; cursor: string | null }[] = [];
  const outcome = await readEvents(ctx, trivy.events[0]!, cursor, (p) => void pages.push(p));
  return { outcome, pages, rows: pages.flatMap((p) => p.rows), cursor: outcome.cursor };
}

async function collectError(config: Record<string, unknown>, cursor: string | null): Promise<{ error: VigilError; rows: Row[]; cursor: string | null }> {
  const ctx = createRunContext({ connector: trivy, config, clock });
  const rows: Row[] = [];
  let last = cursor;
  const error = await readEvents(ctx, trivy.events[0]!, cursor, (p) => {
    rows.push(...p.rows);
    last = p.cursor;
  }).then(
    (o) => {
      throw new Error(`expected the collection to fail; it ended ${o.status}`);
    },
    (e: unknown) => e,
  );
  if (!isVigilError(error)) throw error;
  return { error, rows, cursor: last };
}

describe('scanner sources: a watched folder', () => {
  it('imports each file once, one page per file, and keeps a cursor so a later run reads only new files', async () => {
    const dir = folder();
    copyFileSync(fixture('api-image.week1.json'), join(dir, 'a.json'));
    copyFileSync(fixture('repo-fs.json'), join(dir, 'b.json'));
    writeFileSync(join(dir, 'notes.txt'), 'not a scan');
    writeFileSync(join(dir, '.c.json.tmp'), '{');
    const first = await collect({ path: dir, target: 'acme-api' }, null);
    expect(first.outcome.status).toBe('complete');
    expect(first.pages.map((p) => p.rows.map((r) => r.file))).toEqual([['a.json'], ['b.json']]);
    expect(first.rows.map((r) => r.target)).toEqual(['acme-api', 'acme-api']);
    expect(duplicateKeys(first.rows, 'id')).toEqual([]);

    const again = await collect({ path: dir, target: 'acme-api' }, first.cursor);
    expect(again.rows).toEqual([]);
    expect(again.cursor).toBe(first.cursor);

    copyFileSync(fixture('api-image.week2.json'), join(dir, 'c.json'));
    // A copy of an imported file under another name is recognised by its content.
    copyFileSync(join(dir, 'a.json'), join(dir, 'a-copy.json'));
    const third = await collect({ path: dir, target: 'acme-api' }, again.cursor);
    expect(third.rows.map((r) => r.file)).toEqual(['c.json']);
    expect(JSON.parse(third.cursor!).files.map((f: { name: string }) => f.name)).toEqual(['a-copy.json', 'a.json', 'b.json', 'c.json']);
  });

  it('imports the good files beside a malformed one, then fails naming the bad file and line until it is fixed', async () => {
    const dir = folder();
    copyFileSync(fixture('api-image.week1.json'), join(dir, '1.json'));
    writeFileSync(join(dir, '2.json'), '{\n  "SchemaVersion": 2,\n  "ArtifactName": "x",\n  "Results": [\n');
    copyFileSync(fixture('api-image.week2.json'), join(dir, '3.json'));
    const bad = await collectError({ path: dir }, null);
    expect(bad.rows.map((r) => r.file)).toEqual(['1.json', '3.json']);
    expect(bad.error._tag).toBe('InvalidInput');
    expect(bad.error.where).toBe('2.json:5');
    expect(bad.error.message).toBe(
      "not a valid Trivy JSON file: line 5: the file ends where a value (object, array, string, number, true, false or null) was expected (is it cut short?)",
    );
    expect(JSON.parse(bad.cursor!).files.map((f: { name: string }) => f.name)).toEqual(['1.json', '3.json']);

    renameSync(join(dir, '3.json'), join(dir, '3b.json'));
    writeFileSync(join(dir, '2.json'), '{"SchemaVersion": 2, "CreatedAt": "2026-03-03T00:00:00Z", "ArtifactName": "x", "Results": []}');
    const fixed = await collect({ path: dir }, bad.cursor);
    expect(fixed.outcome.status).toBe('complete');
    expect(fixed.rows.map((r) => [r.file, r.target])).toEqual([['2.json', 'x']]);
  });

  it('reads a single file the scanner rewrites, importing it again only when its content changed', async () => {
    const dir = folder();
    const path = join(dir, 'latest.json');
    copyFileSync(fixture('api-image.week1.json'), path);
    const one = await collect({ path }, null);
    expect(one.rows.map((r) => r.scannedAt)).toEqual(['2026-03-02T02:14:07.512Z']);
    utimesSync(path, new Date('2026-03-03T00:00:00Z'), new Date('2026-03-03T00:00:00Z'));
    expect((await collect({ path }, one.cursor)).rows).toEqual([]);
    copyFileSync(fixture('api-image.week2.json'), path);
    expect((await collect({ path }, one.cursor)).rows.map((r) => r.scannedAt)).toEqual(['2026-03-09T03:12:55.001Z']);
  });

  it('collects nothing, successfully, for a source fed only by imports, and says so in the connection test', async () => {
    const none = await collect({}, null);
    expect([none.outcome.status, none.rows]).toEqual(['complete', []]);
    const ctx = createRunContext({ connector: trivy, config: {}, clock });
    expect((await runTestConnection(ctx)).summary).toBe('no path configured: this source takes scans pushed with `vigil import` or the upload API');
    const dir = folder();
    copyFileSync(fixture('api-image.week1.json'), join(dir, 'x.json'));
    expect((await runTestConnection(createRunContext({ connector: trivy, config: { path: dir }, clock }))).summary).toBe(`${dir} is a readable folder with 1 Trivy JSON file(s)`);
  });

  it('fails with NotFound when the path does not exist', async () => {
    const { error } = await collectError({ path: join(scratch, 'nowhere') }, null);
    expect([error._tag, error.message]).toEqual(['NotFound', 'the scan path does not exist']);
  });

  it('maps a permission error to PermissionDenied with the provider message the engine records as a gap', () => {
    const e = fsError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), '/scans', 'folder');
    expect([e._tag, e.message, e.details?.providerMessage]).toEqual(['PermissionDenied', 'Vigil may not read the scan folder', 'EACCES: permission denied reading /scans']);
  });

  it.skipIf(process.getuid?.() === 0)('records an unreadable folder as a missing permission rather than a failed run', async () => {
    const dir = folder();
    chmodSync(dir, 0o000);
    try {
      const { outcome } = await collect({ path: dir }, null);
      expect(outcome.status).toBe('permission_missing');
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
