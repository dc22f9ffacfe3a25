/**
 * A connector's config, made safe to show and described for a form. The config schema is the
 * single source: secret fields are tagged with `secret()` there, and everything below follows
 * from the tags.
 */
import { z } from 'zod';
import type { AnyConnector } from './define.ts';
import { createRedactor, REDACTED } from './redactor.ts';
import { mapSecrets } from './schema-meta.ts';

/** Every non-empty secret string in `value`, found by following `schema`. */
export function secretValues(schema: z.core.$ZodType, value: unknown): string[] {
  const found: string[] = [];
  mapSecrets(schema, value, (v) => {
    if (typeof v === 'string' && v !== '') found.push(v);
    return v;
  });
  return found;
}

/**
 * A copy of `config` safe to display or log: each secret field becomes "[REDACTED]" (an unset one
 * stays unset, so a form can say "not set"), and a secret's value found anywhere else — say in a
 * URL — is redacted too.
 */
export function redactConfig<T>(connector: AnyConnector, config: T): T {
  const redactor = createRedactor(secretValues(connector.configSchema, config));
  const masked = mapSecrets(connector.configSchema, config, () => REDACTED);
  return redactor.redactDeep(masked) as T;
}

/**
 * The JSON Schema (draft 2020-12) of what a user writes in a source's `config`: input types, so
 * fields with defaults are optional. Secret fields carry `"x-secret": true` and `"writeOnly": true`.
 */
export function configJsonSchema(connector: AnyConnector): Record<string, unknown> {
  return z.toJSONSchema(connector.configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
