import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../lib/errors.ts';
import { readOscalCatalog, readOscalCatalogFile } from './oscal.ts';

// A small catalog shaped like NIST's SP 800-53 OSCAL: nested groups, an enhancement, labels with
// and without class, statement items, nested objectives and links.
const sample = {
  catalog: {
    uuid: '00000000-0000-4000-8000-000000000001',
    metadata: { title: 'Sample', version: '1.2', 'oscal-version': '1.1.2' },
    groups: [
      {
        id: 'ac',
        class: 'family',
        title: 'Access Control',
        controls: [
          {
            id: 'ac-2',
            class: 'SP800-53',
            title: 'Account Management',
            props: [
              { name: 'label', value: 'AC-2' },
              { name: 'label', value: 'AC-02', class: 'zero-padded' },
            ],
            links: [{ href: '#ia-2', rel: 'related' }],
            parts: [
              {
                id: 'ac-2_smt',
                name: 'statement',
                parts: [
                  { id: 'ac-2_smt.a', name: 'item', prose: 'Define account types.' },
                  { id: 'ac-2_smt.b', name: 'item', prose: 'Assign account managers.' },
                ],
              },
              {
                id: 'ac-2_obj',
                name: 'assessment-objective',
                parts: [
                  {
                    id: 'ac-2_obj.a',
                    name: 'assessment-objective',
                    props: [{ name: 'label', value: 'AC-02a.' }],
                    parts: [
                      { id: 'ac-2_obj.a-1', name: 'assessment-objective', props: [{ name: 'label', value: 'AC-02a.[01]' }], prose: 'types are defined' },
                      { id: 'ac-2_obj.a-2', name: 'assessment-objective', props: [{ name: 'label', value: 'AC-02a.[02]' }], prose: 'types are documented' },
                    ],
                  },
                  { id: 'ac-2_obj.b', name: 'assessment-objective', prose: 'managers are assigned' },
                ],
              },
              { id: 'ac-2_gdn', name: 'guidance', prose: 'Not an objective.' },
            ],
            controls: [{ id: 'ac-2.1', title: 'Automated Account Management', props: [{ name: 'label', value: 'AC-2(1)' }] }],
          },
        ],
        groups: [{ id: 'ac-sub', title: 'A nested group', controls: [{ id: 'ac-99', title: 'Deep control' }] }],
      },
    ],
  },
};

describe('OSCAL catalog reader', () => {
  it('reads groups, enhancements, labels, statements, leaf objectives and links from any catalog', () => {
    const cat = readOscalCatalog(sample, 'sample.json');
    expect(cat).toMatchObject({ uuid: sample.catalog.uuid, title: 'Sample', version: '1.2' });
    expect(cat.controls.map((c) => [c.id, c.label, c.parent, c.groups.map((g) => g.id).join('/')])).toEqual([
      ['ac-2', 'AC-2', undefined, 'ac'],
      ['ac-2.1', 'AC-2(1)', 'ac-2', 'ac'],
      ['ac-99', 'ac-99', undefined, 'ac/ac-sub'],
    ]);
    const ac2 = cat.controls[0]!;
    expect(ac2.statement).toBe('Define account types.\nAssign account managers.');
    expect(ac2.objectives).toEqual([
      { id: 'AC-02a.[01]', prose: 'types are defined' },
      { id: 'AC-02a.[02]', prose: 'types are documented' },
      { id: 'ac-2_obj.b', prose: 'managers are assigned' },
    ]);
    expect(ac2.links).toEqual([{ href: '#ia-2', rel: 'related' }]);
  });

  it('prefers labels of the requested class', () => {
    const cat = readOscalCatalog(sample, 'sample.json', { labelClass: 'zero-padded' });
    expect(cat.controls[0]!.label).toBe('AC-02');
  });

  it('refuses a document that is not a catalog, naming the file and the path', () => {
    let error: unknown;
    try {
      readOscalCatalog({ catalog: { uuid: 'x', metadata: { title: 'T' } } }, 'bad.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).where).toBe('bad.json');
    expect((error as VigilError).message).toMatch(/^not an OSCAL catalog: catalog\.metadata\.version/);
  });

  const nist53 = new URL('../../../shared/data/catalogs/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json', import.meta.url);
  it.runIf(existsSync(nist53))('loads NIST SP 800-53 rev 5 (another publisher, nested enhancements) the same way', () => {
    const cat = readOscalCatalogFile(nist53.pathname);
    const ac2 = cat.controls.find((c) => c.id === 'ac-2')!;
    expect(ac2.label).toBe('AC-2');
    expect(ac2.groups[0]!.title).toBe('Access Control');
    expect(cat.controls.some((c) => c.parent === 'ac-2')).toBe(true);
    expect(ac2.objectives.length).toBeGreaterThan(5);
  });
});
