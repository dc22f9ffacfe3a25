/**
 * BambooHR: the HR system of record for many small and mid-sized companies, and the HRIS Vigil
 * speaks natively. Every BambooHR account has the REST API and its roster endpoint, authenticated
 * with a per-user API key, so one read-only key gives the joiner and leaver checks their truth.
 */
import { defineConnector, headerAuth } from '../sdk/index.ts';
import { configSchema } from './config.ts';
import { employees } from './resources/employees.ts';

/** BambooHR reads the key as the Basic-auth user name; the password is ignored, "x" by convention. */
export function bambooAuth(apiKey: string) {
  return headerAuth('authorization', `Basic ${Buffer.from(`${apiKey}:x`, 'utf8').toString('base64')}`, [apiKey]);
}

export const bamboohr = defineConnector({
  id: 'bamboohr',
  title: 'BambooHR',
  description: 'Employees from BambooHR — active, former and future hires — with work email, department, manager, hire and termination dates.',
  configSchema,
  auth: {
    description: 'An API key, sent as HTTP Basic auth (the key as user name, any password). The key has the access level of the user who created it.',
    permissions: [
      "a user whose access level can view every employee's work email, job information (department, reports to), hire date and termination date",
      'company information (company:info) for the connection test',
    ],
    create: (config) => bambooAuth(config.apiKey),
  },
  // BambooHR throttles with a leaky bucket and publishes no number; a few requests a second stays clear of it.
  http: { rateLimit: { requestsPerSecond: 5 } },
  async testConnection(ctx) {
    const company = await ctx.http.get<{ displayName?: string | null; legalName?: string | null }>('company_information');
    const name = company?.displayName ?? company?.legalName ?? 'an unnamed company';
    return { summary: `connected to BambooHR of ${name}`, details: { company: name } };
  },
  resources: [employees],
});

export default bamboohr;
