import { describe, expect, it } from 'vitest';
import { computeCoverage } from './coverage.ts';
import { loadCatalog } from './frameworks.ts';
import type { Framework } from './types.ts';

const tiny: Framework = {
  id: 'soc2',
  name: 'Tiny',
  version: '1',
  groupKind: 'criteria group',
  source: 'test',
  requirements: [
    { framework: 'soc2', id: 'CC1.1', title: 'One', group: 'CC1', groupTitle: 'G' },
    { framework: 'soc2', id: 'CC1.2', title: 'Two', group: 'CC1', groupTitle: 'G' },
    { framework: 'soc2', id: 'CC1.3', title: 'Three', group: 'CC1', groupTitle: 'G' },
  ],
};

describe('coverage', () => {
  it('classifies each requirement as direct, only supporting or uncovered, and lists direct controls first', () => {
    const report = computeCoverage(tiny, [
      { id: 'B-10', requirements: [{ framework: 'soc2', id: 'CC1.1', strength: 'supporting' }] },
      { id: 'B-2', requirements: [{ framework: 'soc2', id: 'CC1.1', strength: 'direct' }, { framework: 'soc2', id: 'CC1.2', strength: 'supporting' }] },
      { id: 'A-1', requirements: [{ framework: 'iso27001', id: 'CC1.3', strength: 'direct' }] },
    ]);
    expect(report.requirements.map((r) => [r.id, r.coverage, r.controls.map((c) => c.id)])).toEqual([
      ['CC1.1', 'direct', ['B-2', 'B-10']],
      ['CC1.2', 'supporting', ['B-2']],
      ['CC1.3', 'uncovered', []],
    ]);
    expect(report.summary).toEqual({ total: 3, direct: 1, supportingOnly: 1, uncovered: 1 });
  });

  it('reads nist-800-171 links for cmmc-l2, which shares its requirements', () => {
    const cmmc = loadCatalog().framework('cmmc-l2');
    const report = computeCoverage(cmmc, [{ id: 'ACC-01', requirements: [{ framework: 'nist-800-171', id: '3.5.3', strength: 'direct' }] }]);
    expect(report.requirements.find((r) => r.id === '3.5.3')!.controls).toEqual([{ id: 'ACC-01', strength: 'direct' }]);
    expect(report.summary).toEqual({ total: 110, direct: 1, supportingOnly: 0, uncovered: 109 });
  });
});
