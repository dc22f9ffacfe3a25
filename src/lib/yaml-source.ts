/**
 * YAML files a user writes (vigil.yaml, controls and checks as code) are parsed keeping their
 * positions, so that a validation error can say file, line, path and what was expected. Shared
 * by core/config (vigil.yaml) and catalog (controls as code); knows nothing about either.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { VigilError } from './errors.ts';

export type YamlPath = (string | number)[];

export interface YamlSource {
  /** How errors name the file, e.g. `controls/access.yaml`. */
  where: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The parsed value (an empty document is `{}`). */
  value: unknown;
}

/** A file as errors should name it: relative to `cwd` when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Parse YAML text; malformed YAML throws InvalidConfig naming `where:line:col`. */
export function parseYamlSource(text: string, where: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new VigilError('InvalidConfig', `not valid YAML: ${e.message.split('\n')[0]}`, {
      where: `${where}:${pos.line}:${pos.col}`,
    });
  }
  return { where, doc, lineCounter, value: doc.toJS() ?? {} };
}

/** "sources[0].config.token" */
export function formatPath(path: YamlPath): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '') || '(top level)';
}

/** The path of a zod issue, pointing at the offending key itself for an unknown key. */
export function issuePath(issue: z.core.$ZodIssue): YamlPath {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys.length) return [...path, issue.keys[0]!];
  return path;
}

export function valueAt(root: unknown, path: YamlPath): unknown {
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

/** What a person should read for a zod issue: "expected number, got string", "unknown key …". */
export function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}, got ${typeName(value)}`;
    default:
      return issue.message;
  }
}

/** `file:line:col` of the node at `path` (or of the deepest node found along it). */
export function locationOf(src: Pick<YamlSource, 'where' | 'doc' | 'lineCounter'>, path: YamlPath): string {
  const offset = locate(src.doc, path);
  if (offset === undefined) return src.where;
  const p = src.lineCounter.linePos(offset);
  return `${src.where}:${p.line}:${p.col}`;
}

/** An InvalidConfig error at `path` in the source: `file:line:col` and `path: message`. */
export function yamlError(
  src: Pick<YamlSource, 'where' | 'doc' | 'lineCounter'>,
  path: YamlPath,
  message: string,
  hint?: string,
): VigilError {
  return new VigilError('InvalidConfig', `${formatPath(path)}: ${message}`, {
    where: locationOf(src, path),
    ...(hint ? { hint } : {}),
  });
}

/**
 * The first issue of a failed zod parse as an InvalidConfig error. `value` is what was parsed and
 * `prefix` the path of that value inside the document (when only part of it was validated).
 */
export function zodIssueError(
  src: Pick<YamlSource, 'where' | 'doc' | 'lineCounter'>,
  error: z.ZodError,
  value: unknown,
  prefix: YamlPath = [],
): VigilError {
  const issue = error.issues[0]!;
  const path = issuePath(issue);
  return yamlError(src, [...prefix, ...path], describeIssue(issue, valueAt(value, path)));
}

/** Source offset of the deepest node along `path` (the key itself for a last, unknown key). */
function locate(doc: Document, path: YamlPath): number | undefined {
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

/**
 * The YAML files a setting such as `controls.paths` names: files as given, folders searched
 * recursively for *.yaml and *.yml, in name order so the result does not depend on the file system.
 */
export function listYamlFiles(paths: string[], baseDir: string, setting: string): string[] {
  const out: string[] = [];
  paths.forEach((p, i) => {
    const abs = resolve(baseDir, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new VigilError('NotFound', `${setting}[${i}]: no such file or folder "${p}"`, {
        where: displayPath(abs, baseDir),
        hint: `create it, or remove it from ${setting} in vigil.yaml`,
      });
    }
    if (!isDir) out.push(abs);
    else out.push(...yamlFilesIn(abs));
  });
  return [...new Set(out)];
}

function yamlFilesIn(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return yamlFilesIn(p);
    return /\.ya?ml$/i.test(e.name) ? [p] : [];
  });
}
