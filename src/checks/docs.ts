/**
 * docs/checks.md, rendered from the check definitions: what each check asserts, the controls it
 * tests, what it reads, and its parameters with their defaults (the baselines a workspace may
 * override under `checks.params` in vigil.yaml, and per workspace in Settings).
 */
import { z } from 'zod';
import type { AnyCheck } from './sdk/define.ts';

interface JsonSchemaProp {
  type?: string | string[];
  default?: unknown;
  description?: string;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function paramsTable(check: AnyCheck): string {
  const schema = z.toJSONSchema(check.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaProp> };
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return '_No parameters._';
  return [
    '| parameter | default | meaning |',
    '|---|---|---|',
    ...props.map(([name, p]) => `| \`${name}\` | \`${JSON.stringify(p.default ?? null)}\` | ${cell(p.description ?? '')} |`),
  ].join('\n');
}

export function renderCheckDocs(checks: AnyCheck[]): string {
  const areas = [...new Set(checks.map((c) => c.area))].sort();
  const out = [
    '# Checks',
    '',
    'Generated from the check definitions by `node bin/run-ts.js scripts/gen-check-docs.ts`; do not edit by hand.',
    'Change a parameter for a workspace in the dashboard (Settings → SLAs and check parameters) or with `PATCH /api/v1/settings`; the base is vigil.yaml: `checks: { params: { <check id>: { <parameter>: <value> } } }`.',
    'A check whose inputs come from a source that failed, never ran, or is older than its freshness window is `stale`, never `pass`.',
    '',
    '| check | severity | controls | reads |',
    '|---|---|---|---|',
    ...[...checks]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((c) => `| [\`${c.id}\`](#${c.id.replace(/\./g, '')}) | ${c.severity} | ${c.controls.join(', ')} | ${[...(c.inputs.resources ?? []), ...(c.inputs.events ?? [])].join(', ')} |`),
    '',
  ];
  for (const area of areas) {
    out.push(`## ${area}`, '');
    for (const c of checks.filter((x) => x.area === area).sort((a, b) => a.id.localeCompare(b.id))) {
      out.push(
        `### ${c.id}`,
        '',
        `**${c.title}** — ${c.description}`,
        '',
        `- severity: ${c.severity}; controls: ${c.controls.join(', ')}; freshness: ${c.freshness ?? 'P1D'}`,
        `- reads: ${[...(c.inputs.resources ?? []), ...(c.inputs.events ?? [])].map((i) => `\`${i}\`${c.inputs.optional?.includes(i) ? ' (optional)' : ''}`).join(', ')}`,
        '',
        paramsTable(c),
        '',
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
