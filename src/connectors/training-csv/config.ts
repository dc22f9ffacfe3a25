/**
 * What a user writes under `config:` for a training source: the export of training completions
 * (from the awareness-training platform or LMS) and the export of policy acknowledgements (from the
 * HR system or e-signature tool), each a CSV or JSON file with its own column names. Either may be
 * left out; what is left out is "not applicable", never "nobody did it".
 */
import { z } from 'zod';

const column = (what: string, name: string) => z.string().min(1).default(name).describe(`Column (CSV header) or property (JSON) holding ${what}.`);

const fileFields = (what: string) => ({
  path: z.string().min(1).describe(`Path of the ${what} export (CSV or JSON): absolute, or relative to the folder Vigil runs in. Each collection reads it whole.`),
  format: z.enum(['auto', 'csv', 'json']).default('auto').describe('File format; `auto` picks JSON for a `.json` file name and CSV otherwise.'),
  delimiter: z.enum([',', ';', '\t', '|']).default(',').describe('CSV field separator.'),
});

export const completionsFileSchema = z.strictObject({
  ...fileFields('training completions'),
  columns: z
    .strictObject({
      email: column("the learner's work email (required; how people are matched to HR)", 'email'),
      course: column('the course, module or campaign name (required)', 'course'),
      completedAt: column('the completion date or date-time (required column; empty while not completed)', 'completed_at'),
      status: column('the enrolment status (optional column; when present only `completedStatuses` count)', 'status'),
    })
    .prefault({})
    .describe('Column names of the completions export, for layouts other than the default; matched ignoring case and surrounding spaces.'),
  completedStatuses: z
    .array(z.string().min(1))
    .min(1)
    .default(['completed', 'passed'])
    .describe('When the export has a status column: the statuses (any case) that mean completed. Rows with other statuses are not completions.'),
});

export const acknowledgementsFileSchema = z.strictObject({
  ...fileFields('policy acknowledgements'),
  columns: z
    .strictObject({
      email: column("the person's work email (required)", 'email'),
      policy: column('the policy name (required)', 'policy'),
      version: column('the policy version (optional column)', 'version'),
      acknowledgedAt: column('the acknowledgement date or date-time (required column; empty while not acknowledged)', 'acknowledged_at'),
    })
    .prefault({})
    .describe('Column names of the acknowledgements export, for layouts other than the default; matched ignoring case and surrounding spaces.'),
});

export const configSchema = z
  .strictObject({
    completions: completionsFileSchema.optional().describe('The security awareness training completions export.'),
    acknowledgements: acknowledgementsFileSchema.optional().describe('The policy acknowledgements export.'),
  })
  .refine((c) => c.completions || c.acknowledgements, { message: 'give a completions or an acknowledgements file (or both)', path: ['completions'] });

export type TrainingCsvConfig = z.output<typeof configSchema>;
export type CompletionsFile = z.output<typeof completionsFileSchema>;
export type AcknowledgementsFile = z.output<typeof acknowledgementsFileSchema>;
