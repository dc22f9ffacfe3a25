import { describe, expect, it } from 'vitest';
import { loadCatalog } from './frameworks.ts';

const catalog = loadCatalog();
const countBy = (ids: string[]) => ids.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});

describe('frameworks', () => {
  it('has SOC 2 with its 33 common and 28 optional criteria, 61 in all', () => {
    const soc2 = catalog.framework('soc2').requirements;
    expect(soc2).toHaveLength(61);
    expect(soc2.filter((r) => r.id.startsWith('CC'))).toHaveLength(33);
    expect(soc2[0]!.id).toBe('CC1.1');
    expect(soc2.find((r) => r.id === 'CC9.2')?.group).toBe('CC9');
    expect(countBy(soc2.map((r) => r.category!))).toEqual({
      security: 33,
      availability: 3,
      confidentiality: 2,
      processing_integrity: 5,
      privacy: 18,
    });
  });

  it('has ISO/IEC 27001:2022 Annex A: 93 controls in four themes of 37, 8, 14 and 34', () => {
    const iso = catalog.framework('iso27001').requirements;
    expect(iso).toHaveLength(93);
    expect(countBy(iso.map((r) => r.group))).toEqual({ 'A.5': 37, 'A.6': 8, 'A.7': 14, 'A.8': 34 });
    expect(iso[0]!.id).toBe('A.5.1');
    expect(iso[iso.length - 1]!.id).toBe('A.8.34');
    // Each theme is numbered 1..n without gaps.
    for (const [theme, n] of Object.entries({ 'A.5': 37, 'A.6': 8, 'A.7': 14, 'A.8': 34 })) {
      expect(iso.filter((r) => r.group === theme).map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => `${theme}.${i + 1}`));
    }
    expect(new Set(iso.map((r) => r.title)).size).toBe(93);
  });

  it('reads NIST SP 800-171 rev 2 from OSCAL: 110 requirements in 14 families and 320 objectives', () => {
    const nist = catalog.framework('nist-800-171').requirements;
    expect(nist).toHaveLength(110);
    const families = countBy(nist.map((r) => r.group));
    // AC 22, AT 3, AU 9, CM 9, IA 11, IR 3, MA 6, MP 9, PS 2, PE 6, RA 3, CA 4, SC 16, SI 7
    expect(families).toEqual({
      '3.1': 22, '3.2': 3, '3.3': 9, '3.4': 9, '3.5': 11, '3.6': 3, '3.7': 6,
      '3.8': 9, '3.9': 2, '3.10': 6, '3.11': 3, '3.12': 4, '3.13': 16, '3.14': 7,
    });
    const objectives = nist.flatMap((r) => r.objectives!.map((o) => ({ requirement: r.id, ...o })));
    expect(objectives).toHaveLength(320);
    expect(new Set(objectives.map((o) => o.id)).size).toBe(320);
    for (const o of objectives) {
      expect(o.id).toMatch(new RegExp(`^${o.requirement.replaceAll('.', '\\.')}\\[[a-z]+\\]$`));
      expect(o.text.length).toBeGreaterThan(10);
    }
    expect(nist.find((r) => r.id === '3.1.1')!.objectives!.map((o) => o.id)).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `3.1.1[${l}]`),
    );
    expect(nist.find((r) => r.id === '3.2.1')!.objectives![0]!.text).toMatch(/^security risks/);
    expect(nist.find((r) => r.id === '3.13.11')!.objectives).toEqual([
      { id: '3.13.11[a]', text: 'FIPS-validated cryptography is employed to protect the confidentiality of CUI.' },
    ]);
    expect(nist.find((r) => r.id === '3.5.3')!.groupTitle).toBe('Identification and Authentication');
  });

  it('scores CMMC Level 2 with the DoD weights: 110 − 313 = −203 at worst', () => {
    const cmmc = catalog.framework('cmmc-l2').requirements;
    expect(cmmc.map((r) => r.id)).toEqual(catalog.framework('nist-800-171').requirements.map((r) => r.id));
    const weight = (id: string) => cmmc.find((r) => r.id === id)!.weight;
    expect(countBy(cmmc.map((r) => String(r.weight)))).toEqual({ '5': 44, '3': 14, '1': 51, null: 1 });
    expect(cmmc.reduce((s, r) => s + (r.weight ?? 0), 0)).toBe(313);
    expect([weight('3.1.1'), weight('3.1.5'), weight('3.1.3'), weight('3.12.4')]).toEqual([5, 3, 1, null]);
    expect([weight('3.5.3'), weight('3.13.11'), weight('3.3.2'), weight('3.13.8'), weight('3.14.7')]).toEqual([5, 5, 3, 3, 3]);
    expect(cmmc.find((r) => r.id === '3.1.1')!.practiceId).toBe('AC.L1-3.1.1');
    expect(cmmc.find((r) => r.id === '3.13.11')!.practiceId).toBe('SC.L2-3.13.11');
    expect(cmmc.filter((r) => r.practiceId!.includes('.L1-'))).toHaveLength(17);
  });

  it('gives partial credit only for 3.5.3 and 3.13.11, and only the latter may then sit on a POA&M', () => {
    const cmmc = catalog.framework('cmmc-l2').requirements;
    const partial = cmmc.filter((r) => r.partialCredit);
    expect(partial.map((r) => [r.id, r.partialCredit!.deduction, r.partialCredit!.poamEligible])).toEqual([
      ['3.5.3', 3, false],
      ['3.13.11', 3, true],
    ]);
  });

  it('allows on a POA&M only 1-point requirements, never the six 32 CFR 170.21 excludes', () => {
    const cmmc = catalog.framework('cmmc-l2').requirements;
    const eligible = cmmc.filter((r) => r.poamEligible);
    expect(eligible).toHaveLength(46);
    expect(eligible.every((r) => r.weight === 1)).toBe(true);
    for (const id of ['3.1.20', '3.1.22', '3.12.4', '3.10.3', '3.10.4', '3.10.5']) {
      expect(cmmc.find((r) => r.id === id)!.poamEligible, id).toBe(false);
    }
    expect(cmmc.find((r) => r.id === '3.10.6')!.poamEligible).toBe(true);
  });

  it('answers lookups and refuses an unknown framework with the known ids', () => {
    expect(catalog.has({ framework: 'soc2', id: 'CC6.2' })).toBe(true);
    expect(catalog.has({ framework: 'soc2', id: 'CC6.9' })).toBe(false);
    expect(catalog.requirement('iso27001', 'A.5.18')?.groupTitle).toBe('Organizational');
    expect(() => catalog.framework('pci')).toThrow(/unknown framework "pci"/);
  });
});
