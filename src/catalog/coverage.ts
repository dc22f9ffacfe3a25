/**
 * Coverage of one framework by a set of controls: for every requirement, the controls linked to
 * it and how strongly. A requirement is covered directly when at least one control is direct
 * evidence for it, only supporting when every link is supporting, and uncovered otherwise.
 * cmmc-l2 shares nist-800-171's requirements, so its coverage reads the nist-800-171 links.
 */
import type { ControlLink } from './control-schema.ts';
import { compareIds } from './ids.ts';
import type { Framework, FrameworkId, LinkableFramework } from './types.ts';

export type CoverageStatus = 'direct' | 'supporting' | 'uncovered';

export interface RequirementCoverage {
  id: string;
  title: string;
  group: string;
  coverage: CoverageStatus;
  controls: { id: string; strength: ControlLink['strength'] }[];
}

export interface CoverageSummary {
  total: number;
  direct: number;
  supportingOnly: number;
  uncovered: number;
}

export interface CoverageReport {
  framework: FrameworkId;
  requirements: RequirementCoverage[];
  summary: CoverageSummary;
}

/** The framework whose links a framework's coverage reads. */
export const linkFrameworkOf = (f: FrameworkId): LinkableFramework => (f === 'cmmc-l2' ? 'nist-800-171' : f);

export function computeCoverage(
  framework: Framework,
  controls: { id: string; requirements: { framework: string; id: string; strength: ControlLink['strength'] }[] }[],
): CoverageReport {
  const linkFramework = linkFrameworkOf(framework.id);
  const byRequirement = new Map<string, RequirementCoverage['controls']>();
  for (const c of controls) {
    for (const l of c.requirements) {
      if (l.framework !== linkFramework) continue;
      const list = byRequirement.get(l.id) ?? [];
      list.push({ id: c.id, strength: l.strength });
      byRequirement.set(l.id, list);
    }
  }
  const requirements = framework.requirements.map((r): RequirementCoverage => {
    const linked = (byRequirement.get(r.id) ?? []).sort(
      (a, b) => (a.strength === b.strength ? 0 : a.strength === 'direct' ? -1 : 1) || compareIds(a.id, b.id),
    );
    const coverage: CoverageStatus = linked.length === 0 ? 'uncovered' : linked.some((c) => c.strength === 'direct') ? 'direct' : 'supporting';
    return { id: r.id, title: r.title, group: r.group, coverage, controls: linked };
  });
  const count = (s: CoverageStatus) => requirements.filter((r) => r.coverage === s).length;
  return {
    framework: framework.id,
    requirements,
    summary: { total: requirements.length, direct: count('direct'), supportingOnly: count('supporting'), uncovered: count('uncovered') },
  };
}
