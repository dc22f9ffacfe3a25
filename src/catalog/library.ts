/**
 * The built-in control library: the controls a SOC 2 program typically runs, in our own words,
 * one YAML file per area in ./data/controls. Loaded once per process with the same reader and
 * schema as controls as code, so the library can never hold what a user's file could not.
 */
import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VigilError } from '../lib/errors.ts';
import { readControlFile } from './control-files.ts';
import { linksOf, type ControlArea, type ControlDefinition, type ControlInput } from './control-schema.ts';
import { loadCatalog } from './frameworks.ts';
import { compareIds } from './ids.ts';

export const libraryDir = fileURLToPath(new URL('./data/controls/', import.meta.url));
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

let cached: ControlDefinition[] | undefined;

export function loadLibrary(): ControlDefinition[] {
  cached ??= readLibrary();
  return cached;
}

function readLibrary(): ControlDefinition[] {
  const catalog = loadCatalog();
  const files = readdirSync(libraryDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const seen = new Map<string, string>();
  const out: ControlDefinition[] = [];
  for (const f of files) {
    const file = `${libraryDir}${f}`;
    for (const { input, where } of readControlFile(file, relative(packageRoot, file), { catalog, overridable: () => false })) {
      const prior = seen.get(input.id);
      if (prior) throw new VigilError('Internal', `library control ${input.id} is defined twice (also at ${prior})`, { where });
      seen.set(input.id, where);
      out.push(definitionOf(input));
    }
  }
  return out.sort((a, b) => compareIds(a.id, b.id));
}

/** A complete control from a validated full entry (the schema guarantees the required fields). */
export function definitionOf(input: ControlInput): ControlDefinition {
  return {
    id: input.id,
    title: input.title!,
    description: input.description!,
    area: input.area as ControlArea,
    ownerRole: input.ownerRole!,
    owner: input.owner,
    frequency: input.frequency!,
    requirements: linksOf(input.requirements),
    unmapped: input.unmapped ?? {},
  };
}
