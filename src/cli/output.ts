import { currentIo } from './io.ts';

/**
 * How commands print: `--json` gives machine output on stdout and nothing else; otherwise a
 * readable table or text. Progress goes to stderr, and only on a terminal.
 */
export interface OutputOptions {
  json?: boolean;
}

export function emit<T>(opts: OutputOptions, data: T, human: (data: T) => string): void {
  const io = currentIo();
  if (opts.json) io.out(`${JSON.stringify(data, null, 2)}\n`);
  else {
    const text = human(data);
    if (text) io.out(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** A plain text table: columns padded to the widest cell. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Progress on stderr, only when it is a terminal and not in --json mode. */
export function progress(opts: OutputOptions, message: string): void {
  const io = currentIo();
  if (!opts.json && io.isTTY) io.err(`${message}\n`);
}

/** A line of text for people (not data): stdout, or stderr in --json mode so JSON stays clean. */
export function say(opts: OutputOptions, message: string): void {
  const io = currentIo();
  if (opts.json) io.err(`${message}\n`);
  else io.out(`${message}\n`);
}
