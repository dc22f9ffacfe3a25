/**
 * Policy acknowledgements: one row per person, policy and acknowledgement — the records
 * people.policy-acknowledgement joins to the HR roster (at hire and every year).
 */
import { z } from 'zod';
import { NORMALIZED_DATE } from '../../hris-csv/dates.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AcknowledgementsFile, TrainingCsvConfig } from '../config.ts';
import { fieldReader, notConfigured, readRecords } from '../read.ts';

export const acknowledgementSchema = z.object({
  email: z.string().describe("The person's work email, lower-cased: how the person is matched to the HR roster."),
  policy: z.string().describe('The policy acknowledged, as the export names it.'),
  version: z.string().nullable().describe('The policy version acknowledged; null when the export has no version column.'),
  acknowledgedAt: z
    .string()
    .regex(NORMALIZED_DATE, 'an ISO 8601 date (YYYY-MM-DD) or a UTC date-time')
    .describe('When it was acknowledged: a date (YYYY-MM-DD) as in the file, or a UTC date-time when the file gives a time.'),
});

export type AcknowledgementRow = z.output<typeof acknowledgementSchema>;

type Field = keyof AcknowledgementsFile['columns'];

export async function loadAcknowledgements(file: AcknowledgementsFile): Promise<{ rows: AcknowledgementRow[]; skipped: number }> {
  const records = await readRecords<Field>(file, ['email', 'policy', 'acknowledgedAt'], 'policy acknowledgements');
  const seen = new Set<string>();
  const rows: AcknowledgementRow[] = [];
  let skipped = 0;
  for (const r of records) {
    const read = fieldReader(file, r);
    const email = read.email('email');
    const policy = read.required('policy');
    if (r.values.acknowledgedAt === null) {
      skipped++;
      continue;
    }
    const acknowledgedAt = read.date('acknowledgedAt', r.values.acknowledgedAt);
    const k = `${email}\n${policy}\n${acknowledgedAt}`;
    if (seen.has(k)) continue;
    seen.add(k);
    rows.push({ email, policy, version: r.values.version, acknowledgedAt });
  }
  return { rows, skipped };
}

export const acknowledgements = defineResource({
  name: 'acknowledgements',
  description: 'Every policy acknowledgement in the export: person, policy, version and date.',
  schema: acknowledgementSchema,
  primaryKey: ['email', 'policy', 'acknowledgedAt'],
  async *list(ctx: RunContext<TrainingCsvConfig>) {
    const file = ctx.config.acknowledgements;
    if (!file) throw notConfigured('policy acknowledgements');
    const { rows, skipped } = await loadAcknowledgements(file);
    ctx.log.info(`read ${rows.length} acknowledgements from ${file.path}${skipped ? ` (${skipped} not acknowledged yet)` : ''}`);
    for (let k = 0; k < rows.length; k += 500) yield rows.slice(k, k + 500);
  },
});
