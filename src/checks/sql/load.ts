/**
 * Loading checks as code: YAML files from `checks.paths` in vigil.yaml, each `{ checks: [...] }`,
 * validated with errors naming file, line, path and what was expected.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { displayPath, listYamlFiles, locationOf, parseYamlSource, yamlError, zodIssueError } from '../../lib/yaml-source.ts';
import type { AnyCheck } from '../sdk/define.ts';
import { sqlCheck, sqlCheckSchema } from './sql-check.ts';

const fileSchema = z.object({ checks: z.array(sqlCheckSchema).min(1) }).strict();

export function loadSqlChecks(paths: string[], baseDir: string, known: { checkIds: Set<string>; controlIds?: Set<string> }): AnyCheck[] {
  const out: AnyCheck[] = [];
  const seen = new Set(known.checkIds);
  for (const file of listYamlFiles(paths, baseDir, 'checks.paths')) {
    const src = parseYamlSource(readFileSync(file, 'utf8'), displayPath(file, baseDir));
    const parsed = fileSchema.safeParse(src.value);
    if (!parsed.success) throw zodIssueError(src, parsed.error, src.value);
    parsed.data.checks.forEach((spec, i) => {
      if (seen.has(spec.id)) throw yamlError(src, ['checks', i, 'id'], `a check with id "${spec.id}" already exists`);
      seen.add(spec.id);
      const unknown = known.controlIds ? spec.controls.find((c) => !known.controlIds!.has(c)) : undefined;
      if (unknown) throw yamlError(src, ['checks', i, 'controls'], `no control "${unknown}" in this workspace`, 'list them with `vigil controls`');
      out.push(sqlCheck(spec, locationOf(src, ['checks', i])));
    });
  }
  return out;
}
