/**
 * What a user writes under `config:` for an HR export source: where the file is, its format, and
 * which column holds what when the export does not use the default names.
 */
import { z } from 'zod';

const column = (field: string, name: string) =>
  z.string().min(1).default(name).describe(`Column (CSV header) or property (JSON) holding ${field}.`);

export const columnsSchema = z
  .strictObject({
    email: column("the work email (required; matched to accounts in the identity provider)", 'email'),
    name: column('the full name (required)', 'name'),
    department: column('the department (optional column)', 'department'),
    managerEmail: column("the manager's work email (optional column)", 'manager_email'),
    startDate: column('the first day of employment (required)', 'start_date'),
    terminationDate: column('the termination date or time (required column; empty while employed)', 'termination_date'),
    githubLogin: column('the GitHub username (optional column; lets the leaver check find a GitHub membership)', 'github_login'),
  })
  .prefault({})
  .describe('Column names of the export, for layouts other than the default; matched ignoring case and surrounding spaces.');

export const configSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .describe('Path of the export file (CSV or JSON): absolute, or relative to the folder Vigil runs in. Replace the file to update it; each collection reads it whole.'),
  format: z
    .enum(['auto', 'csv', 'json'])
    .default('auto')
    .describe('File format; `auto` picks JSON for a `.json` file name and CSV otherwise.'),
  delimiter: z
    .enum([',', ';', '\t', '|'])
    .default(',')
    .describe('CSV field separator (`;` is common in exports from European spreadsheet settings).'),
  columns: columnsSchema,
});

export type HrisCsvConfig = z.output<typeof configSchema>;
export type ColumnField = keyof HrisCsvConfig['columns'];

/** Columns a CSV header must have; the rest may be missing (their values are then null). */
export const requiredColumns: readonly ColumnField[] = ['email', 'name', 'startDate', 'terminationDate'];
