/**
 * Reading vigil.yaml: parse, interpolate ${ENV_VAR}s, validate against the one schema, and on any
 * problem throw one InvalidConfig error that names the file, the line, the path inside it and what
 * was expected. Loading never writes anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { VigilError } from '../../lib/errors.ts';
import { configSchema, type VigilConfig } from './schema.ts';

export const CONFIG_FILE = 'vigil.yaml';

export interface LoadedConfig {
  config: VigilConfig;
  /** Absolute path of the file read, or undefined when running without one. */
  file: string | undefined;
  /** Absolute data folder: config.dataDir, else $VIGIL_HOME, else ./.vigil beside the config. */
  dataDir: string;
  /** PostgreSQL URL when one is selected (DATABASE_URL wins over the file). */
  databaseUrl: string | undefined;
}

export interface LoadOptions {
  /** --config PATH; when given, the file must exist. */
  path?: string | undefined;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Where to look for the config file; undefined when none is there and none was asked for. */
export function findConfigFile(options: LoadOptions = {}): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  if (options.path) {
    const p = resolve(cwd, options.path);
    if (!existsSync(p)) {
      throw new VigilError('NotFound', `config file not found`, { where: p, hint: 'check --config, or run `vigil init`' });
    }
    return p;
  }
  const p = resolve(cwd, CONFIG_FILE);
  return existsSync(p) ? p : undefined;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = findConfigFile(options);
  const config = file ? parseConfigText(readFileSync(file, 'utf8'), displayPath(file, cwd), env) : configSchema.parse({});
  return resolvePaths(config, file, cwd, env);
}

export function resolvePaths(config: VigilConfig, file: string | undefined, cwd: string, env: NodeJS.ProcessEnv): LoadedConfig {
  const base = file ? resolve(file, '..') : cwd;
  const dataDir = config.dataDir ? resolve(base, config.dataDir) : env.VIGIL_HOME ? resolve(cwd, env.VIGIL_HOME) : resolve(base, '.vigil');
  const databaseUrl = env.DATABASE_URL || config.database.url || undefined;
  return { config, file, dataDir, databaseUrl };
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Parse and validate config text; `where` names it in errors. */
export function parseConfigText(text: string, where: string, env: NodeJS.ProcessEnv = process.env): VigilConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new VigilError('InvalidConfig', `not valid YAML: ${e.message.split('\n')[0]}`, {
      where: `${where}:${pos.line}:${pos.col}`,
    });
  }
  const raw: unknown = doc.toJS() ?? {};
  const interpolated = interpolate(raw, [], (path, message) => {
    throw configError(where, doc, lineCounter, path, message);
  }, env);
  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issuePath(issue);
    throw configError(where, doc, lineCounter, path, describeIssue(issue, valueAt(interpolated, path)));
  }
  return parsed.data;
}

type Path = (string | number)[];

const ENV_REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replace ${NAME} with the environment variable NAME in every string; $${ escapes a literal ${. */
function interpolate(
  value: unknown,
  path: Path,
  fail: (path: Path, message: string) => never,
  env: NodeJS.ProcessEnv,
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (match, name: string | undefined) => {
      if (match === '$${') return '${';
      const v = env[name!];
      if (v === undefined) fail(path, `environment variable ${name} is not set (expected it to hold this value)`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], fail, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, [...path, k], fail, env)]));
  }
  return value;
}

function issuePath(issue: z.core.$ZodIssue): Path {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys.length) return [...path, issue.keys[0]!];
  return path;
}

function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

function typeName(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}, got ${typeName(value)}`;
    default:
      return issue.message;
  }
}

/** "sources[0].config.token" */
export function formatPath(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '') || '(top level)';
}

function configError(where: string, doc: Document, lc: LineCounter, path: Path, message: string): VigilError {
  const offset = locate(doc, path);
  const loc = offset === undefined ? '' : (() => {
    const p = lc.linePos(offset);
    return `:${p.line}:${p.col}`;
  })();
  return new VigilError('InvalidConfig', `${formatPath(path)}: ${message}`, { where: `${where}${loc}` });
}

/** Source offset of the deepest node along `path` (the key itself for a last, unknown key). */
function locate(doc: Document, path: Path): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = (doc.contents as Node | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
      if (!pair) break;
      best = (pair.key as Node).range?.[0] ?? best;
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item = (node as { items: unknown[] }).items[key as number];
      if (item === undefined) break;
      best = (item as Node).range?.[0] ?? best;
      node = item;
    } else break;
  }
  return best;
}
