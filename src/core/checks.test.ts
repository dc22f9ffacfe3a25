import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCheck } from '../checks/sdk/define.ts';
import { resolveChecks } from './checks.ts';

const check = defineCheck({
  id: 'access.leaver-test',
  title: 'Leavers lose access in time',
  description: 'test',
  area: 'access',
  controls: ['ACC-04'],
  severity: 'high',
  inputs: { resources: ['x.y'] },
  params: z.object({ slaHours: z.number().int().positive().default(24).describe('Hours allowed.') }),
  evaluate: async () => [],
});

describe('check parameters from vigil.yaml', () => {
  it('takes the defaults, and a workspace override over them', () => {
    expect(resolveChecks([check], {})[0]!.params).toEqual({ slaHours: 24 });
    const [r] = resolveChecks([check], { 'access.leaver-test': { slaHours: 8 } });
    expect(r!.params).toEqual({ slaHours: 8 });
    // A changed threshold changes the hash, so the next evaluation re-judges instead of skipping.
    expect(r!.paramsHash).not.toBe(resolveChecks([check], {})[0]!.paramsHash);
  });

  it('names the check and field of a bad override, and refuses a check that does not exist', () => {
    expect(() => resolveChecks([check], { 'access.leaver-test': { slaHours: -1 } })).toThrow(/checks\.params\.access\.leaver-test\.slaHours: /);
    expect(() => resolveChecks([check], { 'access.leaver-tset': { slaHours: 8 } })).toThrow(/there is no check "access\.leaver-tset"/);
  });
});
