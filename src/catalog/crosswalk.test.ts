import { describe, expect, it } from 'vitest';
import { loadCrosswalk, PROWLER_RULE, prowlerChecks } from './crosswalk.ts';
import { loadCatalog } from './frameworks.ts';
import { frameworkOrder } from './ids.ts';
import { refKey } from './types.ts';

const links = loadCrosswalk();
const catalog = loadCatalog();

describe('crosswalk', () => {
  it('links only existing requirements of two different frameworks, in framework order', () => {
    expect(links.length).toBeGreaterThan(200);
    for (const l of links) {
      expect(catalog.has(l.from), refKey(l.from)).toBe(true);
      expect(catalog.has(l.to), refKey(l.to)).toBe(true);
      expect(frameworkOrder(l.from.framework)).toBeLessThan(frameworkOrder(l.to.framework));
      expect(['soc2', 'iso27001', 'nist-800-171']).toContain(l.to.framework);
    }
  });

  it('says where every link came from, and each source gives links between every pair of frameworks', () => {
    for (const source of ['prowler-shared-checks', 'vigil-judgement'] as const) {
      for (const [a, b] of [['soc2', 'iso27001'], ['soc2', 'nist-800-171'], ['iso27001', 'nist-800-171']]) {
        const n = links.filter((l) => l.source === source && l.from.framework === a && l.to.framework === b).length;
        expect(n, `${source} ${a}-${b}`).toBeGreaterThan(10);
      }
    }
  });

  it('derives Prowler links from shared checks above the threshold, always as related', () => {
    const prowler = links.filter((l) => l.source === 'prowler-shared-checks');
    expect(prowler.every((l) => l.strength === 'related')).toBe(true);
    // Recompute one pair from the files themselves: soc2 CC6.6 and iso27001 A.8.20 share network checks.
    const soc2 = prowlerChecks(catalog, 'soc2').get('CC6.6')!;
    const iso = prowlerChecks(catalog, 'iso27001').get('A.8.20')!;
    const shared = [...soc2].filter((c) => iso.has(c)).length;
    expect(shared).toBeGreaterThanOrEqual(PROWLER_RULE.minShared);
    const link = prowler.find((l) => l.from.id === 'CC6.6' && l.to.id === 'A.8.20');
    expect(link?.basis).toContain(`${shared} shared Prowler checks`);
    for (const l of prowler) {
      const [, n, j] = /^(\d+) shared Prowler checks \(Jaccard ([\d.]+)\)$/.exec(l.basis!)!;
      expect(Number(n)).toBeGreaterThanOrEqual(PROWLER_RULE.minShared);
      expect(Number(j)).toBeGreaterThanOrEqual(PROWLER_RULE.minJaccard);
    }
  });

  it('holds the maintainers’ direct links for the criteria auditors map first', () => {
    const has = (from: string, to: string, strength: string) =>
      links.some((l) => l.source === 'vigil-judgement' && refKey(l.from) === from && refKey(l.to) === to && l.strength === strength);
    expect(has('soc2:CC6.2', 'iso27001:A.5.18', 'direct')).toBe(true);
    expect(has('soc2:CC8.1', 'nist-800-171:3.4.3', 'direct')).toBe(true);
    expect(has('iso27001:A.8.5', 'nist-800-171:3.5.3', 'direct')).toBe(true);
  });
});
