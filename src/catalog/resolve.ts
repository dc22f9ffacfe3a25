/**
 * The workspace's controls as they should be: the library, then controls as code on top. A YAML
 * entry whose id is a library control overrides only the fields it gives (for `requirements` and
 * `unmapped`, only the frameworks it names); any other id is a new control. Pure apart from
 * reading the files.
 */
import { VigilError } from '../lib/errors.ts';
import { displayPath } from '../lib/yaml-source.ts';
import { listControlFiles, readControlFile } from './control-files.ts';
import { linksOf, type ControlDefinition, type ControlInput } from './control-schema.ts';
import { loadCatalog } from './frameworks.ts';
import { compareIds } from './ids.ts';
import { definitionOf, loadLibrary } from './library.ts';
import { linkableFrameworks } from './types.ts';

export interface ResolvedControl extends ControlDefinition {
  origin: 'library' | 'yaml';
  /** `file:line:col` of the YAML that defines or overrides it; undefined for an untouched library control. */
  definedIn: string | undefined;
}

export interface ResolveOptions {
  /** `controls.paths` from vigil.yaml: YAML files or folders. */
  paths: string[];
  /** What relative paths are relative to (the folder of vigil.yaml). */
  baseDir: string;
}

export function resolveControls({ paths, baseDir }: ResolveOptions): ResolvedControl[] {
  const catalog = loadCatalog();
  const library = new Map(loadLibrary().map((c) => [c.id, c]));
  const result = new Map<string, ResolvedControl>(
    [...library.values()].map((c) => [c.id, { ...c, origin: 'library', definedIn: undefined }]),
  );
  const definedAt = new Map<string, string>();
  for (const file of listControlFiles(paths, baseDir)) {
    const entries = readControlFile(file, displayPath(file, baseDir), { catalog, overridable: (id) => library.has(id) });
    for (const { input, where } of entries) {
      const prior = definedAt.get(input.id);
      if (prior) {
        throw new VigilError('InvalidConfig', `control ${input.id} is defined twice in controls as code (first at ${prior})`, {
          where,
          hint: 'keep one entry per control id',
        });
      }
      definedAt.set(input.id, where);
      const base = library.get(input.id);
      result.set(
        input.id,
        base ? { ...override(base, input), origin: 'library', definedIn: where } : { ...definitionOf(input), origin: 'yaml', definedIn: where },
      );
    }
  }
  return [...result.values()].sort((a, b) => compareIds(a.id, b.id));
}

function override(base: ControlDefinition, input: ControlInput): ControlDefinition {
  const given = linkableFrameworks.filter((f) => input.requirements?.[f] !== undefined);
  return {
    id: base.id,
    title: input.title ?? base.title,
    description: input.description ?? base.description,
    area: input.area ?? base.area,
    ownerRole: input.ownerRole ?? base.ownerRole,
    owner: input.owner ?? base.owner,
    frequency: input.frequency ?? base.frequency,
    requirements: [...base.requirements.filter((l) => !given.includes(l.framework)), ...linksOf(input.requirements)],
    unmapped: { ...base.unmapped, ...input.unmapped },
  };
}
