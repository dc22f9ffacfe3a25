import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceRecords } from '../db/schema/evidence-records.ts';
import { events } from '../db/schema/events.ts';
import { sourceRuns } from '../db/schema/source-runs.ts';
import { sources } from '../db/schema/sources.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { syncSources } from '../engine/sources.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import { isVigilError, type VigilError } from '../lib/errors.ts';
import { createInputReader } from '../checks/sdk/inputs.ts';
import { remediationSla } from '../checks/vulnerability/remediation-sla.ts';
import type { SourceConfig } from './config/schema.ts';
import { importScan, type ScanImportDeps } from './scan-import.ts';

const fixture = (path: string) => readFileSync(new URL(`../connectors/scanners/${path}`, import.meta.url));
const WEEK1 = fixture('trivy/__fixtures__/api-image.week1.json');
const WEEK2 = fixture('trivy/__fixtures__/api-image.week2.json');
const IMG = 'registry.example.com/acme/api:production';

const sourceList: SourceConfig[] = [
  { name: 'ci-trivy', type: 'trivy', enabled: true, config: {} },
  { name: 'grype', type: 'grype', enabled: true, config: {} },
  { name: 'codeql', type: 'sarif', enabled: true, config: {} },
  { name: 'prowler', type: 'ocsf', enabled: true, config: {} },
  { name: 'mobile-osv', type: 'osv-scanner', enabled: true, config: { target: 'github.com/acme/mobile' } },
  { name: 'other-osv', type: 'osv-scanner', enabled: true, config: {} },
];

let fx: EvidenceFixture;
let deps: ScanImportDeps;
let ws: string;
let n = 0;
async function workspace(): Promise<string> {
  const w = await createWorkspaceRepo(fx.db.orm).ensure(`imports-${++n}`, 'Imports');
  await syncSources(fx.db.orm, w.id, sourceList);
  return w.id;
}

beforeAll(async () => {
  fx = await createEvidenceFixture('2026-03-10T12:00:00.000Z');
  deps = { db: fx.db, clock: fx.clock, evidence: fx.log, sources: sourceList };
  ws = await workspace();
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

async function rejected(p: Promise<unknown>): Promise<VigilError> {
  const e = await p.then(
    () => {
      throw new Error('expected the import to be refused');
    },
    (x: unknown) => x,
  );
  if (!isVigilError(e)) throw e;
  return e;
}

const count = async (table: typeof events | typeof evidenceRecords, workspaceId: string) =>
  (await fx.db.orm.select().from(table).where(eq(table.workspaceId, workspaceId))).length;

describe('importScan', () => {
  it('stores a scan as an event with its evidence (the file attached) and records a successful run of the source', async () => {
    const w = await workspace();
    const r = await importScan(deps, w, 'trivy', WEEK1, 'week1.json');
    expect(r).toMatchObject({ source: 'ci-trivy', type: 'trivy', file: 'week1.json', duplicate: false });
    expect(r.scans).toEqual([
      { key: `${r.sha256}:0`, target: IMG, scannedAt: '2026-03-02T02:14:07.512Z', timeSource: 'scan', findings: 3, stored: true, evidenceId: expect.stringMatching(/^ev_/) },
    ]);
    const [event] = await fx.db.orm.select().from(events).where(eq(events.workspaceId, w));
    expect([event!.source, event!.stream, event!.key, event!.occurredAt.toISOString(), event!.evidenceId]).toEqual(['ci-trivy', 'trivy.scans', r.sha256 + ':0', '2026-03-02T02:14:07.512Z', r.scans[0]!.evidenceId]);
    const record = await fx.log.get(w, r.scans[0]!.evidenceId!);
    expect(record).toMatchObject({ kind: 'event', source: 'ci-trivy', subject: `trivy.scans/${r.sha256}:0`, effectiveAt: '2026-03-02T02:14:07.512Z', collectedAt: '2026-03-10T12:00:00.000Z' });
    expect(record!.attachments).toEqual([{ name: 'week1.json', mediaType: 'application/json', sha256: r.sha256, size: WEEK1.length }]);
    const [source] = await fx.db.orm.select().from(sources).where(and(eq(sources.workspaceId, w), eq(sources.name, 'ci-trivy')));
    expect([source!.status, source!.lastSuccessAt?.toISOString()]).toEqual(['ok', '2026-03-10T12:00:00.000Z']);
    expect((await fx.db.orm.select().from(sourceRuns).where(eq(sourceRuns.workspaceId, w))).map((x) => [x.source, x.status, x.stats])).toEqual([['ci-trivy', 'ok', { scans: 1 }]]);
  });

  it('stores a file once however often it is imported', async () => {
    const w = await workspace();
    await importScan(deps, w, 'trivy', WEEK1, 'week1.json');
    const again = await importScan(deps, w, 'trivy', WEEK1, 'renamed.json');
    expect([again.duplicate, again.scans.map((s) => [s.stored, s.evidenceId])]).toEqual([true, [[false, null]]]);
    expect(await count(events, w)).toBe(1);
  });

  it('gives first-seen dates from the earliest scan and fixes from a later one, in whichever order the files arrive', async () => {
    const judge = async (w: string) =>
      Object.fromEntries(
        (await remediationSla.evaluate({ workspaceId: w, params: remediationSla.params.parse({}), now: new Date('2026-03-20T00:00:00Z'), inputs: createInputReader(fx.db.orm, w) })).map((x) => [
          x.resource.replace(`vulnerabilities/ci-trivy/${IMG}/`, ''),
          [x.status, x.details?.firstSeenAt, x.details?.fixedAt],
        ]),
      );
    const inOrder = await workspace();
    await importScan(deps, inOrder, 'trivy', WEEK1, 'week1.json');
    await importScan(deps, inOrder, 'trivy', WEEK2, 'week2.json');
    const reversed = await workspace();
    await importScan(deps, reversed, 'trivy', WEEK2, 'week2.json');
    await importScan(deps, reversed, 'trivy', WEEK1, 'week1.json');
    const expected = {
      'CVE-2023-45853 zlib1g@1:1.2.13.dfsg-1': ['fail', '2026-03-02T02:14:07.512Z', null],
      'CVE-2024-29041 express@4.18.2': ['pass', '2026-03-02T02:14:07.512Z', null],
      'CVE-2024-2961 libc6@2.36-9+deb12u4': ['pass', '2026-03-02T02:14:07.512Z', '2026-03-09T03:12:55.001Z'],
      'CVE-2024-45590 body-parser@1.20.1': ['pass', '2026-03-09T03:12:55.001Z', null],
    };
    expect(await judge(inOrder)).toEqual(expected);
    expect(await judge(reversed)).toEqual(expected);
  });

  it('refuses a malformed file with the reason and the line, and stores nothing from it', async () => {
    const w = await workspace();
    await importScan(deps, w, 'trivy', WEEK1, 'week1.json');
    const before = [await count(events, w), await count(evidenceRecords, w)];
    const cut = WEEK2.subarray(0, WEEK2.indexOf('"body-parser"'));
    const e = await rejected(importScan(deps, w, 'trivy', cut, 'week2-truncated.json'));
    expect([e._tag, e.where]).toEqual(['InvalidInput', 'week2-truncated.json:55']);
    expect(e.message).toBe('not a valid Trivy JSON file: line 55: the file ends where a value (object, array, string, number, true, false or null) was expected (is it cut short?)');
    expect(e.hint).toContain('nothing from this file was stored, and earlier imports are unchanged');
    expect([await count(events, w), await count(evidenceRecords, w)]).toEqual(before);
  });

  it('imports every format into the source of its type, using the source target for pushed files', async () => {
    const w = await workspace();
    const imported = await Promise.all([
      importScan(deps, w, 'grype', fixture('grype/__fixtures__/web-image.json'), 'web.json'),
      importScan(deps, w, 'sarif', fixture('sarif/__fixtures__/codeql-api.sarif'), 'codeql.sarif'),
      importScan(deps, w, 'ocsf', fixture('ocsf/__fixtures__/prowler-aws.ocsf.json'), 'prowler.json'),
      importScan(deps, w, 'osv-scanner', fixture('osv-scanner/__fixtures__/lockfiles.json'), 'osv.json', { source: 'mobile-osv' }),
      importScan(deps, w, 'osv-scanner', fixture('osv-scanner/__fixtures__/lockfiles.json'), 'osv.json', { source: 'other-osv', target: 'github.com/acme/web' }),
    ]);
    expect(imported.map((r) => [r.source, r.scans.map((s) => `${s.target} (${s.findings})`)])).toEqual([
      ['grype', ['registry.example.com/acme/web:production (3)']],
      ['codeql', ['https://github.com/acme/api (2)']],
      ['prowler', ['aws:111122223333 (1)', 'aws:444455556666 (1)']],
      ['mobile-osv', ['github.com/acme/mobile (3)']],
      ['other-osv', ['github.com/acme/web (3)']],
    ]);
    expect(await count(events, w)).toBe(6);
  });

  it('says where a pushed file can go when no, several or the wrong source would take it', async () => {
    expect((await rejected(importScan(deps, ws, 'osv-scanner', Buffer.from('{"results": []}'), 'o.json'))).message).toBe(
      'several sources of type osv-scanner (mobile-osv, other-osv): say which one to import into',
    );
    const none = await createWorkspaceRepo(fx.db.orm).ensure('no-sources', 'None');
    const e = await rejected(importScan(deps, none.id, 'trivy', WEEK1, 'week1.json'));
    expect([e._tag, e.message, e.hint]).toEqual([
      'NotFound',
      'no enabled source of type trivy to import into',
      'declare one in vigil.yaml (a source that only takes pushed files needs no config): sources: [{ name: trivy, type: trivy }]',
    ]);
    expect((await rejected(importScan(deps, ws, 'trivy', WEEK1, 'week1.json', { source: 'grype' }))).message).toBe('source "grype" is of type grype, not trivy');
    expect((await rejected(importScan(deps, ws, 'nessus', WEEK1, 'scan.nessus'))).message).toBe('"nessus" is not a scanner format Vigil imports');
  });
});
