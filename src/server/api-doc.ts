/**
 * The generated parts of docs/api.md: the table of routes (with who may call each) and the table of
 * permissions, written from the route definitions and the permission table, between marker
 * comments. api-doc.test.ts fails when the file is stale; regenerate with
 * `node bin/run-ts.js src/server/api-doc.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { apiRoutes } from './app.ts';
import { permissionNames, permissions, rolesFor } from './auth/permissions.ts';
import type { AnyRoute } from './http/route.ts';

export const apiDocPath = fileURLToPath(new URL('../../docs/api.md', import.meta.url));

const BEGIN = '<!-- generated:routes (node bin/run-ts.js src/server/api-doc.ts) -->';
const END = '<!-- /generated:routes -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderGenerated(routes: AnyRoute[] = apiRoutes()): string {
  const lines = ['### Permissions', '', '| permission | roles | what it allows |', '|---|---|---|'];
  for (const p of permissionNames) lines.push(`| \`${p}\` | ${permissions[p].roles.join(', ')} | ${cell(permissions[p].description)} |`);
  const tags = [...new Set(routes.map((r) => r.tag))];
  for (const tag of tags) {
    lines.push('', `### ${tag[0]!.toUpperCase()}${tag.slice(1)}`, '', '| method | path | who | what |', '|---|---|---|---|');
    for (const r of routes.filter((x) => x.tag === tag)) {
      const who = r.access === 'public' ? 'anyone' : `\`${r.access}\` (${rolesFor(r.access).join(', ')})`;
      lines.push(`| ${r.method.toUpperCase()} | \`${r.path}\` | ${who} | ${cell(r.summary)} |`);
    }
  }
  return `${BEGIN}\n\n${lines.join('\n')}\n\n${END}`;
}

/** docs/api.md with its generated section brought up to date. */
export function renderApiDoc(current: string = readFileSync(apiDocPath, 'utf8')): string {
  const a = current.indexOf(BEGIN);
  const b = current.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/api.md has no generated section: add the lines\n${BEGIN}\n${END}`);
  return `${current.slice(0, a)}${renderGenerated()}${current.slice(b + END.length)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(apiDocPath, renderApiDoc());
  console.log(`wrote ${apiDocPath}`);
}
