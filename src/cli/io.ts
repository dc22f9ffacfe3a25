/**
 * Where a command's output goes. Normally the process's stdout/stderr; when a command is run on
 * behalf of another process (the CLI forwarding to a running `vigil start`, see remote.ts), the
 * frames go back over the socket instead. Commands print only through output.ts, which asks here.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether the user's terminal is interactive (progress is shown only then). */
  isTTY: boolean;
  /** The user's working directory: relative paths in arguments are relative to it. */
  cwd: string;
  /** Set by a command that ran but wants a non-zero exit (e.g. failures found). */
  exitCode?: number;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  get isTTY() {
    return Boolean(process.stderr.isTTY);
  },
  get cwd() {
    return process.cwd();
  },
};

const store = new AsyncLocalStorage<Io>();

export const currentIo = (): Io => store.getStore() ?? processIo;

export function runWithIo<T>(io: Io, fn: () => T): T {
  return store.run(io, fn);
}

/** Ask for a non-zero exit code once the command finishes (the worst requested wins). */
export function setExitCode(code: number): void {
  const io = currentIo();
  io.exitCode = Math.max(io.exitCode ?? 0, code);
}

/** A path the user typed, resolved against *their* working directory. */
export const resolveUserPath = (p: string): string => resolve(currentIo().cwd, p);
