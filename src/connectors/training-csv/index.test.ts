import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { createRunContext, readResource, runTestConnection, type ReadOutcome, type Row } from '../sdk/index.ts';
import { alwaysEmptyFields, assertEveryFieldDescribed, duplicateKeys } from '../sdk/testing/index.ts';
import { trainingCsv } from './index.ts';
import { acknowledgementSchema } from './resources/acknowledgements.ts';
import { completionSchema } from './resources/completions.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'vigil-training-csv-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const write = (content: string, ext = 'csv') => {
  const path = join(scratch, `export-${++n}.${ext}`);
  writeFileSync(path, content);
  return path;
};

const [completions, acknowledgements] = trainingCsv.resources as [typeof trainingCsv.resources[0], typeof trainingCsv.resources[0]];

async function collect(config: Record<string, unknown>, which = completions): Promise<{ rows: Row[]; outcome: ReadOutcome; gaps: unknown[] }> {
  const ctx = createRunContext({ connector: trainingCsv, config });
  const rows: Row[] = [];
  const outcome = await readResource(ctx, which, (page) => void rows.push(...page));
  return { rows, outcome, gaps: [...ctx.gaps()] };
}

async function refused(config: Record<string, unknown>, which = completions): Promise<VigilError> {
  const e = await collect(config, which).then(
    (r) => {
      throw new Error(`expected a refusal, got ${r.outcome.status} with ${r.rows.length} rows`);
    },
    (x: unknown) => x,
  );
  if (!isVigilError(e)) throw e;
  return e;
}

describe('training-csv: the schema', () => {
  it('describes every config and row field', () => {
    assertEveryFieldDescribed(trainingCsv.configSchema, 'config');
    assertEveryFieldDescribed(completionSchema, 'completions');
    assertEveryFieldDescribed(acknowledgementSchema, 'acknowledgements');
  });

  it('needs at least one of the two files', () => {
    expect(() => createRunContext({ connector: trainingCsv, config: {} })).toThrow(/give a completions or an acknowledgements file/);
  });
});

describe('training-csv: completions', () => {
  it('keeps completed and passed rows, drops enrolments not completed and duplicates, and lower-cases emails', async () => {
    const { rows, outcome } = await collect({ completions: { path: fixture('completions.csv') } });
    expect(outcome).toEqual({ status: 'complete', rows: 3, pages: 1 });
    expect(rows).toEqual([
      { email: 'ada.lopez@example.com', course: 'Security Awareness 2026', completedAt: '2026-03-12', status: 'Passed' },
      { email: 'lee.chen@example.com', course: 'Phishing, part 2', completedAt: '2026-03-14T07:30:00.000Z', status: 'Completed' },
      { email: 'maria.rossi@example.com', course: 'Security Awareness Onboarding', completedAt: '2026-02-10', status: 'passed' },
    ]);
    expect(duplicateKeys(rows, ['email', 'course', 'completedAt'])).toEqual([]);
    expect(alwaysEmptyFields(completionSchema, rows)).toEqual([]);
  });

  it('reads another layout through the column mapping, with no status column', async () => {
    const { rows } = await collect({
      completions: { path: fixture('completions-lms.csv'), delimiter: ';', columns: { email: 'user email', course: 'Module', completedAt: 'COMPLETION DATE' } },
    });
    expect(rows).toEqual([
      { email: 'ada.lopez@example.com', course: 'Secure Coding', completedAt: '2025-11-02', status: null },
      { email: 'lee.chen@example.com', course: 'Secure Coding', completedAt: '2025-11-05T16:00:00.000Z', status: null },
    ]);
  });

  it('counts only the configured statuses as completed', async () => {
    const { rows } = await collect({ completions: { path: fixture('completions.csv'), completedStatuses: ['Completed'] } });
    expect(rows.map((r) => r.email)).toEqual(['lee.chen@example.com']);
  });

  const header = 'email,course,completed_at\n';
  const cases: { name: string; content: string; ext?: string; line: number | undefined; message: string }[] = [
    { name: 'a bad date', content: `${header}a@example.com,X,2026-02-30\n`, line: 2, message: 'line 2: "completed_at": "2026-02-30" is not a day of the calendar' },
    { name: 'a day-first date', content: `${header}a@example.com,X,12/03/2026\n`, line: 2, message: 'line 2: "completed_at": "12/03/2026" is not an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])' },
    { name: 'a missing email', content: `${header}a@example.com,X,2026-01-01\n,X,2026-01-01\n`, line: 3, message: 'line 3: "email" is empty' },
    { name: 'an email that is not one', content: `${header}ada,X,2026-01-01\n`, line: 2, message: 'line 2: "email" "ada" is not an email address' },
    { name: 'a header without the completion column', content: 'email,course\na@example.com,X\n', line: 1, message: 'line 1: the header lacks the column "completed_at" (found: email, course)' },
    { name: 'a row with an extra field', content: `${header}a@example.com,X,Y,2026-01-01\n`, line: 2, message: 'line 2: 4 fields where the header has 3 (an unquoted "," in a value?)' },
    { name: 'a header only', content: header, line: undefined, message: 'the file lists no training completions; an empty export is refused rather than read as "nobody did it"' },
    { name: 'JSON that is not a list', content: '{"completions": []}', ext: 'json', line: 1, message: 'line 1: expected a JSON list of records ([{…}, …])' },
    { name: 'a JSON syntax error', content: '[\n {"email": "a@example.com", "course": "X", "completed_at": "2026-01-01"},\n {"email": "b@example.com" "course": "X"}\n]', ext: 'json', line: 3, message: `line 3: expected ',' or '}' after a property value but found '"'` },
  ];
  for (const c of cases) {
    it(`refuses a file with ${c.name}, naming the line, and collects nothing`, async () => {
      const path = write(c.content, c.ext);
      const e = await refused({ completions: { path } });
      expect(e._tag).toBe('InvalidInput');
      expect(e.message).toBe(c.message);
      expect(e.where).toBe(c.line === undefined ? path : `${path}:${c.line}`);
      expect(e.hint).toContain('nothing was read from this file');
    });
  }

  it('reports a missing file as NotFound, naming it', async () => {
    const path = join(scratch, 'nope.csv');
    const e = await refused({ completions: { path } });
    expect([e._tag, e.message, e.where]).toEqual(['NotFound', 'the training completions file does not exist', path]);
  });
});

describe('training-csv: acknowledgements', () => {
  it('reads a JSON list, keeping a missing version as null and dropping pending acknowledgements', async () => {
    const { rows, outcome } = await collect({ acknowledgements: { path: fixture('acknowledgements.json') } }, acknowledgements);
    expect(outcome.status).toBe('complete');
    expect(rows).toEqual([
      { email: 'ada.lopez@example.com', policy: 'Information Security Policy', version: '2026.1', acknowledgedAt: '2026-01-15' },
      { email: 'sam.okafor@example.com', policy: 'Information Security Policy', version: null, acknowledgedAt: '2026-01-16T08:05:00.000Z' },
    ]);
  });

  it('records a file the source does not configure as not applicable, not as nobody having done it', async () => {
    const { rows, outcome, gaps } = await collect({ completions: { path: fixture('completions.csv') } }, acknowledgements);
    expect(rows).toEqual([]);
    expect(outcome.status).toBe('not_applicable');
    expect(gaps).toEqual([expect.objectContaining({ kind: 'not_applicable', what: 'acknowledgements', message: 'no policy acknowledgements file is configured for this source' })]);
  });
});

describe('training-csv: the connection test', () => {
  it('reads both files and says how many records each holds', async () => {
    const config = { completions: { path: fixture('completions.csv') }, acknowledgements: { path: fixture('acknowledgements.json') } };
    const info = await runTestConnection(createRunContext({ connector: trainingCsv, config }));
    expect(info.summary).toBe(`readable: 3 completions in ${fixture('completions.csv')}; 2 acknowledgements in ${fixture('acknowledgements.json')}`);
  });
});
