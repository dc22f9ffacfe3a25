/**
 * Running pg_dump and pg_restore. Connection settings reach them through libpq's environment
 * variables (PGHOST, PGPASSWORD, …), never the command line, where any user of the machine could
 * read the password in the process list.
 */
import { spawn } from 'node:child_process';
import { VigilError } from '../../lib/errors.ts';

export interface Target {
  /** host:port, for display. */
  server: string;
  database: string;
  /** libpq environment for the client programs. */
  env: Record<string, string>;
}

/** libpq parameters a URL query may carry, and the environment variable for each. */
const QUERY_ENV: Record<string, string> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
  options: 'PGOPTIONS',
  host: 'PGHOST',
  port: 'PGPORT',
};

export function targetOf(connectionString: string): Target {
  const u = new URL(connectionString);
  const env: Record<string, string> = {};
  const host = decodeURIComponent(u.hostname) || 'localhost';
  env.PGHOST = host;
  env.PGPORT = u.port || '5432';
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || env.PGUSER || 'postgres';
  env.PGDATABASE = database;
  for (const [k, v] of u.searchParams) if (QUERY_ENV[k]) env[QUERY_ENV[k]] = v;
  return { server: `${env.PGHOST}:${env.PGPORT}`, database, env };
}

/** The URL of another database on the same server (the scratch database). */
export function withDatabase(connectionString: string, database: string): string {
  const u = new URL(connectionString);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment for a client program: ours, minus any PG* variable the service was started with. */
function childEnv(target: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  return { ...env, ...target, PGCONNECT_TIMEOUT: target.PGCONNECT_TIMEOUT ?? '15' };
}

export function runTool(program: string, args: string[], env: Record<string, string>, signal: AbortSignal): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: childEnv(env), signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < 65_536) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 65_536) stderr += d.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        reject(
          new VigilError('InvalidConfig', `${program} was not found${program.includes('/') ? '' : ' on PATH'}`, {
            where: program,
            hint: `install the PostgreSQL client programs (e.g. the postgresql-client package) in a version at least as new as the server, or set ${program.includes('restore') ? 'pgRestore' : 'pgDump'} to the program's path`,
            cause: e,
          }),
        );
      } else if (e.name === 'AbortError') reject(e);
      else reject(new VigilError('Internal', `could not run ${program}: ${e.message}`, { where: program, cause: e }));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The program's version line, or an InvalidConfig error when it is missing. */
export async function toolVersion(program: string, signal: AbortSignal): Promise<string> {
  const r = await runTool(program, ['--version'], {}, signal);
  if (r.code !== 0) throw new VigilError('InvalidConfig', `${program} --version failed: ${r.stderr.trim() || `exit code ${r.code}`}`, { where: program });
  return r.stdout.trim();
}

/** The first few meaningful lines of a tool's complaint, for a reason a person can read. */
export function firstErrors(stderr: string, max = 3): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /error|fatal|could not|invalid|unexpected/i.test(l));
  return (errors.length ? errors : lines).slice(0, max).join(' | ') || 'no message';
}
