import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineEvents, defineResource } from './define.ts';

const schema = z.object({ id: z.string().describe('Id.'), at: z.string().describe('When.') });
const resource = (name: string) => defineResource({ name, description: 'x', schema, primaryKey: 'id', async *list() {} });
const base = {
  id: 'acme',
  title: 'Acme',
  description: 'x',
  configSchema: z.object({}),
  auth: { description: 'x', permissions: [] },
  testConnection: async () => ({ summary: 'ok' }),
};

describe('define*', () => {
  it('accept a well-formed connector, filling the optional parts', () => {
    const c = defineConnector({ ...base, resources: [resource('users')] });
    expect(c).toMatchObject({ kind: 'connector', id: 'acme', events: [], notApplicable: [], http: {} });
    expect(c.resources[0]!.kind).toBe('resource');
  });

  it('refuse a primary key, event key or time that is not a field, listing the fields', () => {
    // @ts-expect-error the type system refuses it too; this proves the runtime check for untyped callers
    expect(() => defineResource({ name: 'users', description: 'x', schema, primaryKey: 'uid', async *list() {} })).toThrow(
      'primary key "uid" is not a field of the schema (fields: id, at)',
    );
    expect(() =>
      // @ts-expect-error see above
      defineEvents({ name: 'log', description: 'x', schema, key: 'id', time: 'when', async *list() {} }),
    ).toThrow('time field "when" is not a field of the schema');
  });

  it('refuse names that are not kebab-case and duplicate names', () => {
    expect(() => resource('Users')).toThrow(/kebab-case/);
    expect(() => defineConnector({ ...base, id: 'Acme_People', resources: [] })).toThrow(/kebab-case/);
    expect(() => defineConnector({ ...base, resources: [resource('users'), resource('users')] })).toThrow('two resources or events are named "users"');
  });

  it('refuse a not-applicable rule that matches nothing or names an unknown listing', () => {
    expect(() => defineConnector({ ...base, resources: [resource('users')], notApplicable: [{ reason: 'never' }] })).toThrow(/matches nothing/);
    expect(() => defineConnector({ ...base, resources: [resource('users')], notApplicable: [{ status: 402, reason: 'plan', appliesTo: ['audit'] }] })).toThrow(
      /names "audit", which this connector does not list/,
    );
  });
});
