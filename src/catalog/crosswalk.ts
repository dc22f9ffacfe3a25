/**
 * The crosswalk between soc2, iso27001 and nist-800-171: links between requirements of different
 * frameworks, each saying how strong it is and where it came from.
 *
 * - `prowler-shared-checks`: requirements that Prowler's compliance files test with largely the
 *   same automated checks (see PROWLER_RULE). Shared checks show the requirements are related,
 *   not that they are equivalent, so these links are always `related`.
 * - `vigil-judgement`: links decided by Vigil's maintainers, in data/crosswalks/vigil-judgement.yaml.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VigilError } from '../lib/errors.ts';
import { dataDir, loadCatalog, type Catalog } from './frameworks.ts';
import { frameworkOrder, parseRef } from './ids.ts';
import { refKey, type LinkableFramework, type RequirementRef } from './types.ts';

export const crosswalkSources = {
  'prowler-shared-checks': 'Prowler compliance files (AWS): requirements tested by largely the same Prowler checks',
  'vigil-judgement': "Vigil maintainers' judgement (src/catalog/data/crosswalks/vigil-judgement.yaml)",
} as const;
export type CrosswalkSource = keyof typeof crosswalkSources;

export interface CrosswalkLink {
  from: RequirementRef;
  to: RequirementRef;
  strength: 'direct' | 'related';
  source: CrosswalkSource;
  /** Why, for derived links: e.g. "4 shared Prowler checks (Jaccard 0.50)". */
  basis?: string;
}

/** Two requirements are linked when they share at least this many checks and this much of their union. */
export const PROWLER_RULE = { minShared: 2, minJaccard: 0.3 } as const;

/** The Prowler compliance files, and how each names its requirements in our ids. */
const PROWLER_FILES: { framework: LinkableFramework; file: string; idOf: (r: { Id: string; Name?: string | undefined }) => string }[] = [
  { framework: 'soc2', file: 'soc2_aws.json', idOf: (r) => r.Name ?? r.Id },
  { framework: 'iso27001', file: 'iso27001_2022_aws.json', idOf: (r) => r.Id },
  { framework: 'nist-800-171', file: 'nist_800_171_revision_2_aws.json', idOf: (r) => r.Id.replaceAll('_', '.') },
];

const prowlerFile = z.object({
  Requirements: z.array(z.object({ Id: z.string(), Name: z.string().optional(), Checks: z.array(z.string()) })),
});

let cached: CrosswalkLink[] | undefined;

export function loadCrosswalk(): CrosswalkLink[] {
  cached ??= [...prowlerLinks(loadCatalog()), ...judgementLinks(loadCatalog())];
  return cached;
}

/** Requirement → the set of Prowler checks that test it, for one framework. */
export function prowlerChecks(catalog: Catalog, framework: LinkableFramework): Map<string, Set<string>> {
  const spec = PROWLER_FILES.find((f) => f.framework === framework)!;
  const where = `src/catalog/data/crosswalks/prowler/${spec.file}`;
  const parsed = prowlerFile.safeParse(JSON.parse(readFileSync(`${dataDir}crosswalks/prowler/${spec.file}`, 'utf8')));
  if (!parsed.success) throw new VigilError('Internal', `Prowler file is malformed: ${z.prettifyError(parsed.error)}`, { where });
  const out = new Map<string, Set<string>>();
  for (const r of parsed.data.Requirements) {
    const id = spec.idOf(r);
    if (!catalog.has({ framework, id })) throw new VigilError('Internal', `Prowler names unknown ${framework} requirement ${id}`, { where });
    if (r.Checks.length) out.set(id, new Set(r.Checks));
  }
  return out;
}

function prowlerLinks(catalog: Catalog): CrosswalkLink[] {
  const checks = PROWLER_FILES.map((f) => ({ framework: f.framework, byReq: prowlerChecks(catalog, f.framework) }));
  const links: CrosswalkLink[] = [];
  for (let i = 0; i < checks.length; i++) {
    for (let j = i + 1; j < checks.length; j++) {
      const a = checks[i]!;
      const b = checks[j]!;
      for (const [idA, setA] of a.byReq) {
        for (const [idB, setB] of b.byReq) {
          let shared = 0;
          for (const c of setA) if (setB.has(c)) shared++;
          const jaccard = shared / (setA.size + setB.size - shared);
          if (shared < PROWLER_RULE.minShared || jaccard < PROWLER_RULE.minJaccard) continue;
          links.push({
            from: { framework: a.framework, id: idA },
            to: { framework: b.framework, id: idB },
            strength: 'related',
            source: 'prowler-shared-checks',
            basis: `${shared} shared Prowler checks (Jaccard ${jaccard.toFixed(2)})`,
          });
        }
      }
    }
  }
  return links;
}

const judgementFile = z.object({
  links: z.array(
    z
      .object({ from: z.string(), direct: z.array(z.string()).optional(), related: z.array(z.string()).optional() })
      .strict(),
  ),
});

function judgementLinks(catalog: Catalog): CrosswalkLink[] {
  const where = 'src/catalog/data/crosswalks/vigil-judgement.yaml';
  const parsed = judgementFile.safeParse(parseYaml(readFileSync(`${dataDir}crosswalks/vigil-judgement.yaml`, 'utf8')));
  if (!parsed.success) throw new VigilError('Internal', `crosswalk file is malformed: ${z.prettifyError(parsed.error)}`, { where });
  const ref = (text: string): RequirementRef => {
    const r = parseRef(text);
    if (!r || !catalog.has(r)) throw new VigilError('Internal', `crosswalk names unknown requirement ${text}`, { where });
    return r;
  };
  const links: CrosswalkLink[] = [];
  const seen = new Set<string>();
  for (const entry of parsed.data.links) {
    const from = ref(entry.from);
    for (const strength of ['direct', 'related'] as const) {
      for (const text of entry[strength] ?? []) {
        const to = ref(text);
        if (to.framework === from.framework) {
          throw new VigilError('Internal', `crosswalk links ${entry.from} to ${text} in the same framework`, { where });
        }
        // Store each pair once, ordered by framework, whichever side the file wrote it from.
        const [a, b] = frameworkOrder(from.framework) < frameworkOrder(to.framework) ? [from, to] : [to, from];
        const key = `${refKey(a)}|${refKey(b)}`;
        if (seen.has(key)) throw new VigilError('Internal', `crosswalk links ${refKey(a)} and ${refKey(b)} twice`, { where });
        seen.add(key);
        links.push({ from: a, to: b, strength, source: 'vigil-judgement' });
      }
    }
  }
  return links;
}
