/**
 * Training completions: one row per person, course and completion — the records people.training
 * joins to the HR roster (completed within N days of starting, and every year). Rows without a
 * completion date, or with a status other than completed, are enrolments, not completions.
 */
import { z } from 'zod';
import { NORMALIZED_DATE } from '../../hris-csv/dates.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { CompletionsFile, TrainingCsvConfig } from '../config.ts';
import { fieldReader, notConfigured, readRecords } from '../read.ts';

const when = z.string().regex(NORMALIZED_DATE, 'an ISO 8601 date (YYYY-MM-DD) or a UTC date-time');

export const completionSchema = z.object({
  email: z.string().describe("The learner's work email, lower-cased: how the person is matched to the HR roster."),
  course: z.string().describe('The course, module or campaign completed, as the export names it.'),
  completedAt: when.describe('When it was completed: a date (YYYY-MM-DD) as in the file, or a UTC date-time when the file gives a time.'),
  status: z.string().nullable().describe('The status the export gives (e.g. Passed, Completed); null when it has no status column.'),
});

export type CompletionRow = z.output<typeof completionSchema>;

type Field = keyof CompletionsFile['columns'];

export async function loadCompletions(file: CompletionsFile): Promise<{ rows: CompletionRow[]; skipped: number }> {
  const records = await readRecords<Field>(file, ['email', 'course', 'completedAt'], 'training completions');
  const done = new Set(file.completedStatuses.map((s) => s.trim().toLowerCase()));
  const seen = new Set<string>();
  const rows: CompletionRow[] = [];
  let skipped = 0;
  for (const r of records) {
    const read = fieldReader(file, r);
    const email = read.email('email');
    const course = read.required('course');
    const status = r.values.status;
    if (r.values.completedAt === null || (status !== null && !done.has(status.toLowerCase()))) {
      skipped++;
      continue;
    }
    const completedAt = read.date('completedAt', r.values.completedAt);
    const k = `${email}\n${course}\n${completedAt}`;
    // Exports list a re-sent certificate twice; the same completion counts once.
    if (seen.has(k)) continue;
    seen.add(k);
    rows.push({ email, course, completedAt, status });
  }
  return { rows, skipped };
}

export const completions = defineResource({
  name: 'completions',
  description: 'Every completed training in the export: person, course and completion date.',
  schema: completionSchema,
  primaryKey: ['email', 'course', 'completedAt'],
  async *list(ctx: RunContext<TrainingCsvConfig>) {
    const file = ctx.config.completions;
    if (!file) throw notConfigured('training completions');
    const { rows, skipped } = await loadCompletions(file);
    ctx.log.info(`read ${rows.length} completions from ${file.path}${skipped ? ` (${skipped} enrolments not completed)` : ''}`);
    for (let k = 0; k < rows.length; k += 500) yield rows.slice(k, k + 500);
  },
});
