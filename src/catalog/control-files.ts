/**
 * Reading YAML files of controls (the library's and controls as code) with errors that name the
 * file, line and path and say what was expected — the same way vigil.yaml is read.
 */
import { readFileSync } from 'node:fs';
import { VigilError } from '../lib/errors.ts';
import { listYamlFiles, locationOf, parseYamlSource, yamlError, zodIssueError, type YamlSource } from '../lib/yaml-source.ts';
import {
  controlFileSchema,
  controlOverrideSchema,
  linkStrengths,
  newControlSchema,
  type ControlInput,
} from './control-schema.ts';
import type { Catalog } from './frameworks.ts';
import { linkableFrameworks } from './types.ts';

export interface ControlEntry {
  input: ControlInput;
  /** `file:line:col` of the entry. */
  where: string;
}

export interface ReadControlFileOptions {
  catalog: Catalog;
  /** Ids that exist already (library controls): entries with these ids may be partial overrides. */
  overridable: (id: string) => boolean;
}

const NEW_CONTROL_FIELDS = ['title', 'description', 'area', 'ownerRole', 'frequency'];

/** Parse and validate one file of controls; `display` is how errors name it. */
export function readControlFile(file: string, display: string, options: ReadControlFileOptions): ControlEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new VigilError('NotFound', `cannot read controls file: ${(e as Error).message}`, { where: display, cause: e });
  }
  return parseControlText(text, display, options);
}

export function parseControlText(text: string, display: string, options: ReadControlFileOptions): ControlEntry[] {
  const src = parseYamlSource(text, display);
  const file = controlFileSchema.safeParse(src.value);
  if (!file.success) throw zodIssueError(src, file.error, src.value);
  return file.data.controls.map((raw, i) => {
    const prefix = ['controls', i];
    const override = typeof raw.id === 'string' && options.overridable(raw.id);
    const parsed = (override ? controlOverrideSchema : newControlSchema).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path[0];
      const missing = issue.code === 'invalid_type' && issue.path.length === 1 && (raw as Record<string, unknown>)[field as string] === undefined;
      if (!override && missing && field !== 'id') {
        throw yamlError(
          src,
          prefix,
          `missing "${String(field)}"`,
          `${String(raw.id)} is not a library control, so it needs ${NEW_CONTROL_FIELDS.join(', ')}; only library controls can be partly overridden`,
        );
      }
      throw zodIssueError(src, parsed.error, raw, prefix);
    }
    checkRequirementIds(src, parsed.data, prefix, options.catalog);
    return { input: parsed.data, where: locationOf(src, prefix) };
  });
}

function checkRequirementIds(src: YamlSource, input: ControlInput, prefix: (string | number)[], catalog: Catalog): void {
  for (const framework of linkableFrameworks) {
    const group = input.requirements?.[framework];
    if (!group) continue;
    const seen = new Set<string>();
    for (const strength of linkStrengths) {
      (group[strength] ?? []).forEach((id, j) => {
        const path = [...prefix, 'requirements', framework, strength, j];
        if (!catalog.has({ framework, id })) {
          const example = catalog.framework(framework).requirements[0]!.id;
          throw yamlError(src, path, `unknown ${catalog.framework(framework).name} requirement "${id}"`, `ids look like ${example}; \`vigil coverage --framework ${framework}\` lists them`);
        }
        if (seen.has(id)) throw yamlError(src, path, `${framework} requirement "${id}" is listed twice`, 'list each requirement once, as direct or supporting');
        seen.add(id);
      });
    }
  }
}

/** The YAML files named by `controls.paths` (see listYamlFiles). */
export const listControlFiles = (paths: string[], baseDir: string): string[] => listYamlFiles(paths, baseDir, 'controls.paths');
