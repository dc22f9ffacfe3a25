/**
 * The frameworks, loaded from the files in ./data/frameworks (origins in ./data/SOURCES.md):
 * SOC 2 Trust Services Criteria, ISO/IEC 27001:2022 Annex A, NIST SP 800-171 rev 2 (read from its
 * OSCAL catalog) and CMMC Level 2 (the same 110 requirements with DoD scoring). `loadCatalog()`
 * reads them once per process.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { invalidInput, VigilError } from '../lib/errors.ts';
import { readOscalCatalogFile } from './oscal.ts';
import { frameworkIds, type Framework, type FrameworkId, type Requirement, type RequirementRef } from './types.ts';

export const dataDir = fileURLToPath(new URL('./data/', import.meta.url));
const file = (rel: string) => `${dataDir}${rel}`;

export interface Catalog {
  frameworks: Framework[];
  /** The framework with this id; an InvalidInput error listing the known ids otherwise. */
  framework(id: string): Framework;
  requirement(framework: FrameworkId, id: string): Requirement | undefined;
  has(ref: RequirementRef): boolean;
}

let cached: Catalog | undefined;

export function loadCatalog(): Catalog {
  cached ??= buildCatalog();
  return cached;
}

function buildCatalog(): Catalog {
  const nist = loadNist800171();
  const frameworks = [loadSoc2(), loadIso27001(), nist, loadCmmcL2(nist)];
  const byId = new Map(frameworks.map((f) => [f.id, f]));
  const index = new Map(frameworks.map((f) => [f.id, new Map(f.requirements.map((r) => [r.id, r]))]));
  return {
    frameworks,
    framework(id) {
      const f = byId.get(id as FrameworkId);
      if (!f) {
        throw invalidInput(`unknown framework "${id}"`, { hint: `use one of: ${frameworkIds.join(', ')}` });
      }
      return f;
    },
    requirement: (framework, id) => index.get(framework)?.get(id),
    has: (ref) => index.get(ref.framework)?.has(ref.id) ?? false,
  };
}

function parseData<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new VigilError('Internal', `catalog data file is malformed: ${z.prettifyError(r.error)}`, { where });
  }
  return r.data;
}

const readJson = (rel: string): unknown => JSON.parse(readFileSync(file(rel), 'utf8'));
const readYaml = (rel: string): unknown => parseYaml(readFileSync(file(rel), 'utf8'));

const soc2File = z.object({
  name: z.string(),
  requirements: z.array(
    z.object({ id: z.string(), group: z.string(), groupTitle: z.string(), category: z.string(), title: z.string() }),
  ),
});

function loadSoc2(): Framework {
  const rel = 'frameworks/soc2-tsc-2017.json';
  const data = parseData(soc2File, readJson(rel), rel);
  return {
    id: 'soc2',
    name: 'SOC 2 Trust Services Criteria',
    version: '2017 (points of focus revised 2022)',
    groupKind: 'criteria group',
    source: rel,
    requirements: data.requirements.map((r) => ({ framework: 'soc2', ...r })),
  };
}

const isoFile = z.object({
  name: z.string(),
  version: z.string(),
  themes: z.array(z.object({ id: z.string(), title: z.string(), controls: z.record(z.string(), z.string()) })),
});

function loadIso27001(): Framework {
  const rel = 'frameworks/iso27001-2022-annex-a.yaml';
  const data = parseData(isoFile, readYaml(rel), rel);
  return {
    id: 'iso27001',
    name: data.name,
    version: data.version,
    groupKind: 'theme',
    source: rel,
    requirements: data.themes.flatMap((t) =>
      Object.entries(t.controls).map(([id, title]) => ({ framework: 'iso27001' as const, id, title, group: t.id, groupTitle: t.title })),
    ),
  };
}

function loadNist800171(): Framework {
  const rel = 'frameworks/NIST_SP-800-171_rev2_catalog.FATHOM5.json';
  const cat = readOscalCatalogFile(file(rel), { labelClass: 'sp800-171a' });
  return {
    id: 'nist-800-171',
    name: 'NIST SP 800-171 rev 2',
    version: `2 (OSCAL catalog ${cat.version})`,
    groupKind: 'family',
    source: rel,
    requirements: cat.controls.map((c) => {
      const family = c.groups[c.groups.length - 1];
      // Group titles read "3.1 Access Control": the id is already shown beside them.
      const title = family?.title.replace(/^\d+(\.\d+)*\s+/, '') ?? '';
      return {
        framework: 'nist-800-171',
        id: c.label,
        title: c.title,
        group: family?.id ?? '',
        groupTitle: title,
        objectives: c.objectives.map((o) => ({ id: o.id, text: o.prose })),
      };
    }),
  };
}

const cmmcFile = z.object({
  name: z.string(),
  version: z.string(),
  families: z.record(z.string(), z.string()),
  level1: z.array(z.string()),
  neverOnPoam: z.array(z.string()),
  partialCredit: z.record(z.string(), z.object({ deduction: z.number(), when: z.string(), poamEligible: z.boolean() })),
  weights: z.record(z.string(), z.union([z.literal(5), z.literal(3), z.literal(1), z.null()])),
});

function loadCmmcL2(nist: Framework): Framework {
  const rel = 'frameworks/cmmc-l2-scoring.yaml';
  const data = parseData(cmmcFile, readYaml(rel), rel);
  const level1 = new Set(data.level1);
  const never = new Set(data.neverOnPoam);
  const requirements: Requirement[] = nist.requirements.map((r) => {
    const weight = data.weights[r.id];
    if (weight === undefined) throw new VigilError('Internal', `no CMMC weight for ${r.id}`, { where: rel });
    const family = data.families[r.group];
    if (!family) throw new VigilError('Internal', `no CMMC family code for ${r.group}`, { where: rel });
    const partialCredit = data.partialCredit[r.id];
    return {
      ...r,
      framework: 'cmmc-l2',
      practiceId: `${family}.${level1.has(r.id) ? 'L1' : 'L2'}-${r.id}`,
      weight,
      ...(partialCredit ? { partialCredit } : {}),
      poamEligible: weight === 1 && !never.has(r.id),
    };
  });
  const extra = Object.keys(data.weights).filter((id) => !requirements.some((r) => r.id === id));
  if (extra.length) throw new VigilError('Internal', `CMMC weights for unknown requirements: ${extra.join(', ')}`, { where: rel });
  return {
    id: 'cmmc-l2',
    name: data.name,
    version: data.version,
    groupKind: 'family',
    source: rel,
    requirements,
  };
}
