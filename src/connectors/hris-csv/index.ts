/**
 * HR export (CSV or JSON): the roster for companies whose HR system has no API Vigil speaks, or
 * that prefer to drop a scheduled export into a folder. A file source: no HTTP, no credentials.
 */
import { defineConnector } from '../sdk/index.ts';
import { configSchema } from './config.ts';
import { employees } from './resources/employees.ts';
import { checkExport } from './roster.ts';

export const hrisCsv = defineConnector({
  id: 'hris-csv',
  title: 'HR export (CSV / JSON)',
  description: 'The employee roster from a CSV or JSON file exported by any HR system: work email, name, department, manager, start and termination dates.',
  configSchema,
  auth: {
    description: 'None: Vigil reads a local file. The export job writes it; Vigil only needs read access to it.',
    permissions: ['read access to the export file for the user Vigil runs as'],
  },
  async testConnection(ctx) {
    const { format, columns } = await checkExport(ctx.config);
    return {
      summary: `${ctx.config.path} is readable: ${format.toUpperCase()} with ${columns.length} columns (${columns.join(', ')})`,
      details: { format, columns: columns.length },
    };
  },
  resources: [employees],
});

export default hrisCsv;
