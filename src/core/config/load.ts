/**
 * Reading vigil.yaml: parse, interpolate ${ENV_VAR}s, validate against the one schema, and on any
 * problem throw one InvalidConfig error that names the file, the line, the path inside it and what
 * was expected. Loading never writes anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VigilError } from '../../lib/errors.ts';
import { displayPath, parseYamlSource, yamlError, zodIssueError, type YamlPath } from '../../lib/yaml-source.ts';
import { configSchema, type VigilConfig } from './schema.ts';

export const CONFIG_FILE = 'vigil.yaml';

// Kept exported from here too: it was part of this module's API before the YAML helpers moved to lib.
export { formatPath } from '../../lib/yaml-source.ts';

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

/** Parse and validate config text; `where` names it in errors. */
export function parseConfigText(text: string, where: string, env: NodeJS.ProcessEnv = process.env): VigilConfig {
  const src = parseYamlSource(text, where);
  const interpolated = interpolate(src.value, [], (path, message) => {
    throw yamlError(src, path, message);
  }, env);
  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) throw zodIssueError(src, parsed.error, interpolated);
  return parsed.data;
}

const ENV_REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replace ${NAME} with the environment variable NAME in every string; $${ escapes a literal ${. */
function interpolate(
  value: unknown,
  path: YamlPath,
  fail: (path: YamlPath, message: string) => never,
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
