/**
 * What a user writes under `config:` for a BambooHR source. The API lives under the company's own
 * subdomain, so there is no default base URL: `https://<company>.bamboohr.com/api/v1`.
 */
import { z } from 'zod';
import { httpFields, secret } from '../sdk/index.ts';

export const configSchema = z.strictObject({
  ...httpFields({ example: 'https://acme.bamboohr.com/api/v1' }),
  apiKey: secret(
    "A BambooHR API key (your name → API Keys → Add New Key). It acts as the user who created it, so create it as a user whose access level can read every employee's work email, hire date, termination date, department and manager; sent as HTTP Basic auth.",
  ),
});

export type BambooHrConfig = z.output<typeof configSchema>;
