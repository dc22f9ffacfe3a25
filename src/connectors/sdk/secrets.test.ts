import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from './define.ts';
import { descriptionOf, hasSecretFields, isSecret, secret } from './schema-meta.ts';
import { configJsonSchema, redactConfig, secretValues } from './secrets.ts';

const configSchema = z.object({
  baseUrl: z.url().describe('API root.'),
  token: secret('API token.'),
  backupToken: secret('Second token.').optional(),
  oauth: z
    .object({ clientId: z.string().describe('OAuth client id.'), clientSecret: secret('OAuth client secret.') })
    .optional()
    .describe('OAuth client credentials.'),
  headers: z.record(z.string(), secret('A header value.')).default({}).describe('Extra headers (values are secret).'),
  auth: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('key'), key: secret('Key.') }),
      z.object({ type: z.literal('basic'), user: z.string(), password: secret('Password.') }),
    ])
    .optional()
    .describe('Alternative auth.'),
});

const connector = defineConnector({
  id: 'secret-test',
  title: 'Secret test',
  description: 'x',
  configSchema,
  auth: { description: 'x', permissions: [] },
  testConnection: async () => ({ summary: 'ok' }),
  resources: [],
});

const config = {
  baseUrl: 'https://api.example.com/?sig=tok-main-123456',
  token: 'tok-main-123456',
  oauth: { clientId: 'client-1', clientSecret: 'cs-987654' },
  headers: { 'x-api-key': 'hk-555555' },
  auth: { type: 'basic' as const, user: 'svc', password: 'pw-444444' },
};

describe('secret fields', () => {
  it('keep their tag and description through optional, default and describe', () => {
    expect(isSecret(configSchema.shape.token)).toBe(true);
    expect(isSecret(configSchema.shape.backupToken)).toBe(true);
    expect(isSecret(secret('x').describe('y'))).toBe(true);
    expect(descriptionOf(configSchema.shape.backupToken)).toBe('Second token.');
    expect(isSecret(configSchema.shape.baseUrl)).toBe(false);
    expect(hasSecretFields(configSchema)).toBe(true);
    expect(hasSecretFields(z.object({ a: z.string() }))).toBe(false);
  });

  it('are all found, nested in objects, records and unions', () => {
    expect(secretValues(configSchema, config).sort()).toEqual(['cs-987654', 'hk-555555', 'pw-444444', 'tok-main-123456']);
  });

  it('are redacted in a copy safe to show, leaving unset ones unset and other fields as they were', () => {
    const safe = redactConfig(connector, config);
    expect(safe).toEqual({
      baseUrl: 'https://api.example.com/?sig=[REDACTED]',
      token: '[REDACTED]',
      oauth: { clientId: 'client-1', clientSecret: '[REDACTED]' },
      headers: { 'x-api-key': '[REDACTED]' },
      auth: { type: 'basic', user: 'svc', password: '[REDACTED]' },
    });
    expect(safe).not.toHaveProperty('backupToken');
    expect(config.token).toBe('tok-main-123456');
  });

  it('are redacted even in a config that does not validate', () => {
    const safe = redactConfig(connector, { token: 'tok-x-999999', auth: { type: 'nonsense', key: 'k-1', password: 'p-2' } });
    expect(safe).toEqual({ token: '[REDACTED]', auth: { type: 'nonsense', key: '[REDACTED]', password: '[REDACTED]' } });
  });

  it('are flagged in the JSON Schema the dashboard renders, with fields that have defaults optional', () => {
    const schema = configJsonSchema(connector) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(schema.properties.token).toMatchObject({ type: 'string', 'x-secret': true, writeOnly: true, description: 'API token.' });
    expect(schema.properties.baseUrl!['x-secret']).toBeUndefined();
    expect(schema.required.sort()).toEqual(['baseUrl', 'token']);
  });
});
