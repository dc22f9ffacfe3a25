import { describe, expect, it } from 'vitest';
import { controlAreaIds, controlAreas } from './control-schema.ts';
import { loadCatalog } from './frameworks.ts';
import { loadLibrary } from './library.ts';
import { linkableFrameworks } from './types.ts';

const library = loadLibrary();
const catalog = loadCatalog();

describe('control library', () => {
  it('has at least 80 controls with unique ids whose prefix names their area', () => {
    expect(library.length).toBeGreaterThanOrEqual(80);
    expect(new Set(library.map((c) => c.id)).size).toBe(library.length);
    for (const c of library) expect(c.id, c.id).toMatch(new RegExp(`^${controlAreas[c.area].prefix}-\\d{2}$`));
  });

  it('spans all eight monitored areas, governance, data protection and network', () => {
    const areas = new Set(library.map((c) => c.area));
    expect([...areas].sort()).toEqual([...controlAreaIds].sort());
    for (const a of controlAreaIds) expect(library.filter((c) => c.area === a).length, a).toBeGreaterThanOrEqual(5);
  });

  it('covers every SOC 2 common criterion CC1.1–CC9.2 with at least one control', () => {
    const common = catalog.framework('soc2').requirements.filter((r) => r.id.startsWith('CC'));
    expect(common).toHaveLength(33);
    const linked = new Set(library.flatMap((c) => c.requirements.filter((l) => l.framework === 'soc2').map((l) => l.id)));
    expect(common.filter((r) => !linked.has(r.id)).map((r) => r.id)).toEqual([]);
    const direct = new Set(library.flatMap((c) => c.requirements.filter((l) => l.framework === 'soc2' && l.strength === 'direct').map((l) => l.id)));
    expect(common.filter((r) => !direct.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('links every control to each framework, or says why no sensible link exists', () => {
    for (const c of library) {
      for (const f of linkableFrameworks) {
        const linked = c.requirements.some((l) => l.framework === f);
        expect(linked !== (c.unmapped[f] !== undefined), `${c.id} ${f}: linked xor explained`).toBe(true);
      }
    }
    const share = (f: (typeof linkableFrameworks)[number]) => library.filter((c) => c.requirements.some((l) => l.framework === f)).length / library.length;
    expect(share('soc2')).toBe(1);
    expect(share('iso27001')).toBeGreaterThanOrEqual(0.95);
    expect(share('nist-800-171')).toBeGreaterThanOrEqual(0.8);
  });

  it('links only to requirements that exist', () => {
    for (const c of library) for (const l of c.requirements) expect(catalog.has(l), `${c.id} → ${l.framework}:${l.id}`).toBe(true);
  });

  // The controls continuous checks will name by id; changing these ids breaks the checks.
  const checkedControls: Record<string, [string, RegExp]> = {
    'MFA in the identity provider': ['ACC-01', /MFA/],
    'MFA on the code host': ['ACC-02', /MFA/],
    'MFA in the cloud': ['ACC-03', /MFA/],
    'leavers deprovisioned within SLA': ['ACC-04', /Leavers/],
    'joiners provisioned with approval': ['ACC-05', /approval/],
    'quarterly access reviews': ['ACC-06', /quarter/],
    'privileged access restricted': ['ACC-07', /Privileged/],
    'inactive accounts disabled': ['ACC-08', /Inactive/],
    'root and break-glass protected': ['ACC-09', /Root/],
    'access-key rotation': ['ACC-10', /keys are rotated/],
    'password policy': ['ACC-11', /Password/],
    'branch protection': ['CHG-01', /protected/],
    'review independent of author': ['CHG-02', /other than its author/],
    'CI before merge': ['CHG-03', /tests pass before/],
    'emergency change review': ['CHG-04', /Emergency/],
    'audit logging with integrity validation': ['LOG-01', /integrity/],
    'log retention': ['LOG-02', /kept for at least a year/],
    'storage encryption': ['DAT-01', /encrypted at rest/],
    'storage public access block': ['DAT-02', /public access/],
    'admin ports closed': ['NET-01', /Administrative ports/],
    'database encryption': ['DAT-03', /Databases are encrypted/],
    'database backups': ['BCK-05', /automated backups/],
    'vulnerability scanning coverage': ['VUL-01', /scanning covers/],
    'vulnerability remediation SLA': ['VUL-02', /SLA/],
    'incident acknowledgement SLA': ['INC-02', /acknowledged/],
    'incident resolution SLA': ['INC-03', /resolved/],
    postmortems: ['INC-04', /postmortem/],
    'yearly IR exercise': ['INC-05', /exercised/],
    'uptime monitoring': ['AVL-01', /uptime/],
    'SLO met': ['AVL-02', /objective/],
    'backups succeed': ['BCK-01', /succeed/],
    'backups encrypted': ['BCK-02', /encrypted/],
    'backups retained': ['BCK-03', /retained/],
    'yearly restore test with RTO/RPO': ['BCK-04', /RTO and RPO/],
    'security-awareness training': ['GOV-03', /awareness training/],
    'policy acknowledgement': ['GOV-02', /acknowledge/],
    'vendor inventory': ['VND-01', /inventory/],
    'vendor risk tier': ['VND-02', /risk tier/],
    'vendor SOC 2 review': ['VND-04', /SOC 2/],
  };
  it('includes the controls continuous checks will test, under stable ids', () => {
    for (const [what, [id, title]] of Object.entries(checkedControls)) {
      const c = library.find((x) => x.id === id);
      expect(c, `${what}: ${id}`).toBeDefined();
      expect(c!.title, `${what}: ${id}`).toMatch(title);
    }
  });
});
