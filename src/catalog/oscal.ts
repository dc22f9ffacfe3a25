/**
 * A generic reader of OSCAL catalogs (JSON, OSCAL 1.x): groups nested to any depth, controls and
 * their enhancements, labels, statements, assessment objectives and links. It knows nothing about
 * NIST SP 800-171: another OSCAL catalog (SP 800-53, a vendor's) loads the same way.
 * See https://pages.nist.gov/OSCAL/reference/latest/catalog/json-reference/
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { VigilError } from '../lib/errors.ts';
import { formatPath } from '../lib/yaml-source.ts';

const prop = z.looseObject({ name: z.string(), value: z.string(), class: z.string().optional() });
const link = z.looseObject({ href: z.string(), rel: z.string().optional() });

interface RawPart {
  id?: string | undefined;
  name: string;
  props?: z.infer<typeof prop>[] | undefined;
  prose?: string | undefined;
  parts?: RawPart[] | undefined;
}
const part: z.ZodType<RawPart> = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  props: z.array(prop).optional(),
  prose: z.string().optional(),
  get parts() {
    return z.array(part).optional();
  },
});

interface RawControl {
  id: string;
  class?: string | undefined;
  title: string;
  props?: z.infer<typeof prop>[] | undefined;
  links?: z.infer<typeof link>[] | undefined;
  parts?: RawPart[] | undefined;
  controls?: RawControl[] | undefined;
}
const control: z.ZodType<RawControl> = z.looseObject({
  id: z.string(),
  class: z.string().optional(),
  title: z.string(),
  props: z.array(prop).optional(),
  links: z.array(link).optional(),
  parts: z.array(part).optional(),
  get controls() {
    return z.array(control).optional();
  },
});

interface RawGroup {
  id?: string | undefined;
  title: string;
  groups?: RawGroup[] | undefined;
  controls?: RawControl[] | undefined;
}
const group: z.ZodType<RawGroup> = z.looseObject({
  id: z.string().optional(),
  title: z.string(),
  get groups() {
    return z.array(group).optional();
  },
  controls: z.array(control).optional(),
});

const document = z.looseObject({
  catalog: z.looseObject({
    uuid: z.string(),
    metadata: z.looseObject({ title: z.string(), version: z.string() }),
    groups: z.array(group).optional(),
    controls: z.array(control).optional(),
  }),
});

export interface OscalObjective {
  /** The objective's label (e.g. `3.1.1[a]`), or its part id when it has none. */
  id: string;
  prose: string;
}

export interface OscalControl {
  id: string;
  /** The label to show (`3.1.1`, `AC-2(1)`); the id when the catalog gives none. */
  label: string;
  title: string;
  class: string | undefined;
  /** The groups this control sits in, outermost first. */
  groups: { id: string; title: string }[];
  /** For an enhancement: the id of the control it enhances. */
  parent: string | undefined;
  /** The statement's prose, sub-items joined by newlines. */
  statement: string | undefined;
  /** The leaves of the assessment-objective tree: each one is assessed on its own. */
  objectives: OscalObjective[];
  links: { href: string; rel: string | undefined }[];
}

export interface OscalCatalog {
  uuid: string;
  title: string;
  version: string;
  /** Every control and enhancement, in document order. */
  controls: OscalControl[];
}

export interface ReadOscalOptions {
  /** Prefer `label` props of this class (e.g. `sp800-171a`) when a part carries several. */
  labelClass?: string;
}

const OBJECTIVE_PARTS = new Set(['assessment-objective', 'objective']);

export function readOscalCatalog(json: unknown, where: string, options: ReadOscalOptions = {}): OscalCatalog {
  const parsed = document.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    throw new VigilError('InvalidInput', `not an OSCAL catalog: ${formatPath(path)}: ${issue.message}`, {
      where,
      hint: 'expected OSCAL catalog JSON: { "catalog": { "uuid", "metadata", "groups" | "controls" } }',
    });
  }
  const cat = parsed.data.catalog;
  const controls: OscalControl[] = [];
  const visitControl = (c: RawControl, groups: OscalControl['groups'], parent: string | undefined) => {
    controls.push({
      id: c.id,
      label: labelOf(c.props, options.labelClass) ?? c.id,
      title: c.title,
      class: c.class,
      groups,
      parent,
      statement: statementOf(c.parts),
      objectives: objectivesOf(c.parts, options.labelClass),
      links: (c.links ?? []).map((l) => ({ href: l.href, rel: l.rel })),
    });
    for (const child of c.controls ?? []) visitControl(child, groups, c.id);
  };
  const visitGroup = (g: RawGroup, outer: OscalControl['groups']) => {
    const groups = [...outer, { id: g.id ?? g.title, title: g.title }];
    for (const c of g.controls ?? []) visitControl(c, groups, undefined);
    for (const sub of g.groups ?? []) visitGroup(sub, groups);
  };
  for (const c of cat.controls ?? []) visitControl(c, [], undefined);
  for (const g of cat.groups ?? []) visitGroup(g, []);
  return { uuid: cat.uuid, title: cat.metadata.title, version: cat.metadata.version, controls };
}

export function readOscalCatalogFile(file: string, options: ReadOscalOptions = {}): OscalCatalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new VigilError('InvalidInput', `cannot read OSCAL catalog: ${(e as Error).message}`, { where: file, cause: e });
  }
  return readOscalCatalog(json, file, options);
}

function labelOf(props: RawPart['props'], labelClass: string | undefined): string | undefined {
  const labels = (props ?? []).filter((p) => p.name === 'label');
  return (
    (labelClass ? labels.find((p) => p.class === labelClass) : undefined) ??
    labels.find((p) => p.class === undefined) ??
    labels[0]
  )?.value;
}

function statementOf(parts: RawPart[] | undefined): string | undefined {
  const stmt = parts?.find((p) => p.name === 'statement');
  if (!stmt) return undefined;
  const lines: string[] = [];
  const walk = (p: RawPart) => {
    if (p.prose) lines.push(p.prose);
    for (const sub of p.parts ?? []) if (sub.name === 'item' || sub.name === 'statement') walk(sub);
  };
  walk(stmt);
  return lines.join('\n');
}

function objectivesOf(parts: RawPart[] | undefined, labelClass: string | undefined): OscalObjective[] {
  const out: OscalObjective[] = [];
  const walk = (p: RawPart) => {
    const children = (p.parts ?? []).filter((c) => OBJECTIVE_PARTS.has(c.name));
    if (children.length === 0) {
      out.push({ id: labelOf(p.props, labelClass) ?? p.id ?? '', prose: p.prose ?? '' });
      return;
    }
    for (const c of children) walk(c);
  };
  for (const p of parts ?? []) if (OBJECTIVE_PARTS.has(p.name)) walk(p);
  return out;
}
