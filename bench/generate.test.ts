import { describe, expect, it } from 'vitest';
import { getConnector } from '../src/connectors/registry.ts';
import { validateSources } from '../src/engine/sources.ts';
import { generateOrg, rowCount } from './generate.ts';

const anchor = new Date('2026-06-01T00:00:00Z');
const org = generateOrg('s', { anchor });
const rowsOf = (type: string, round: number) => [...org.types.find((t) => t.type === type)!.pages(round)].flat();

describe('the benchmark inventory generator', () => {
  it('produces rows every connector schema accepts, for every generated type', () => {
    for (const t of org.types) {
      const [connectorId, name] = t.type.split('.') as [string, string];
      const resource = getConnector(connectorId).resources.find((r) => r.name === name);
      expect(resource, t.type).toBeDefined();
      for (const row of rowsOf(t.type, 0).slice(0, 300)) {
        const parsed = resource!.schema.safeParse(row);
        expect(parsed.success ? 'ok' : `${t.type}: ${JSON.stringify(parsed.error.issues[0])}`).toBe('ok');
      }
    }
  });

  it('declares sources whose configs the connectors accept', () => {
    expect(() => validateSources(org.sources)).not.toThrow();
  });

  it('keeps the issue proportions: 25 cloud resources per person, 10 people per repository', () => {
    expect(org.counts).toMatchObject({ cloud: 5_000, people: 200, repos: 20 });
    expect(generateOrg('m', { anchor }).counts).toMatchObject({ cloud: 50_000, people: 2_000, repos: 200 });
  });

  it('gives the same rows for the same seed and different rows for another seed', () => {
    expect(rowsOf('aws.s3-buckets', 0)).toEqual(rowsOf('aws.s3-buckets', 0));
    const other = generateOrg('s', { anchor, seed: 8 });
    const theirs = [...other.types.find((t) => t.type === 'aws.s3-buckets')!.pages(0)].flat();
    expect(theirs).not.toEqual(rowsOf('aws.s3-buckets', 0));
  });

  it('changes one row in a hundred of a type per round, keeping every key', () => {
    const before = rowsOf('aws.security-groups', 0);
    const after = rowsOf('aws.security-groups', 1);
    expect(after.map((r) => r.groupId)).toEqual(before.map((r) => r.groupId));
    const changed = after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i])).length;
    // A new version re-draws the row's state; a few draws can land on the same content.
    expect(changed).toBeGreaterThan(before.length * 0.005);
    expect(changed).toBeLessThanOrEqual(before.length * 0.01);
  });

  it('plants failures among the rows so the checks have something to find', () => {
    const buckets = rowsOf('aws.s3-buckets', 0);
    const unencrypted = buckets.filter((b) => b.encryption === 'not-configured').length;
    expect(unencrypted).toBeGreaterThan(0);
    expect(unencrypted).toBeLessThan(buckets.length * 0.2);
    expect(rowCount(org)).toBeGreaterThan(5_000);
  });
});
