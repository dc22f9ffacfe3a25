/**
 * What a user writes under `config:` for this source in vigil.yaml. The schema is the single
 * source: it validates the config, types `ctx.config`, renders the dashboard form, and — through
 * `secret()` — decides what is redacted wherever the config is shown or logged.
 */
import { z } from 'zod';
import { httpFields, secret } from '../sdk/index.ts';

export const configSchema = z.strictObject({
  ...httpFields({ defaultBaseUrl: 'https://api.acme-people.example' }),
  token: secret('A read-only Acme People API token (Settings → API → New token, scopes users:read, groups:read, audit:read).'),
  auditLookbackDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .default(90)
    .describe('On the first collection, how many days of audit events to fetch; later runs continue from the stored cursor.'),
});

export type AcmePeopleConfig = z.output<typeof configSchema>;
