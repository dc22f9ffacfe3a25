/**
 * Witnesses: every new checkpoint goes to each configured witness, so that the operator of Vigil
 * cannot rewrite history unnoticed — a later log must stay consistent with every checkpoint they
 * hold (`vigil evidence consistency --from <file>`). A file witness appends the note (notes are
 * separated by a blank line); a webhook witness receives it as a text/plain POST, retried with
 * backoff on network errors, 408, 429 and 5xx.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { WitnessDelivery } from '../db/schema/evidence-checkpoints.ts';
import type { Clock } from '../lib/clock.ts';
import { addDuration } from '../lib/duration.ts';
import type { EvidenceLog, SignedCheckpoint } from './log.ts';

export type Witness = { type: 'webhook'; url: string } | { type: 'file'; path: string };

export interface SendOptions {
  fetch?: typeof globalThis.fetch;
  /** Tries per webhook (default 4). */
  attempts?: number;
  /** First backoff in ms, doubled after each failure (default 1000). */
  backoffMs?: number;
  timeoutMs?: number;
  clock?: Clock;
}

export const witnessName = (w: Witness) => (w.type === 'file' ? `file:${w.path}` : `webhook:${redact(w.url)}`);

// A webhook URL may carry a token in its query or user info; deliveries are stored and printed.
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Relative file-witness paths are relative to `baseDir` (the config file's folder). */
export function resolveWitnesses(witnesses: Witness[], baseDir: string): Witness[] {
  return witnesses.map((w) => (w.type === 'file' && !isAbsolute(w.path) ? { ...w, path: resolve(baseDir, w.path) } : w));
}

export async function sendToWitnesses(note: string, witnesses: Witness[], options: SendOptions = {}): Promise<WitnessDelivery[]> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const attempts = options.attempts ?? 4;
  const backoff = options.backoffMs ?? 1000;
  const now = () => (options.clock?.now() ?? new Date()).toISOString();
  return Promise.all(
    witnesses.map(async (w): Promise<WitnessDelivery> => {
      const witness = witnessName(w);
      if (w.type === 'file') {
        try {
          await mkdir(dirname(w.path), { recursive: true });
          await appendFile(w.path, `${note}\n`, { mode: 0o644 });
          return { witness, ok: true, attempts: 1, at: now() };
        } catch (e) {
          return { witness, ok: false, attempts: 1, error: (e as Error).message, at: now() };
        }
      }
      let error = '';
      for (let i = 1; i <= attempts; i++) {
        try {
          const res = await doFetch(w.url, {
            method: 'POST',
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            body: note,
            signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
          });
          if (res.ok) return { witness, ok: true, attempts: i, at: now() };
          error = `HTTP ${res.status}`;
          if (res.status < 500 && res.status !== 408 && res.status !== 429) return { witness, ok: false, attempts: i, error, at: now() };
        } catch (e) {
          error = (e as Error).message;
        }
        if (i < attempts) await new Promise((r) => setTimeout(r, backoff * 2 ** (i - 1)));
      }
      return { witness, ok: false, attempts, error, at: now() };
    }),
  );
}

export interface ScheduledCheckpoint {
  /** The checkpoint signed now, if one was due. */
  checkpoint?: SignedCheckpoint;
  /** Why none was signed. */
  skipped?: 'not-due' | 'unchanged';
  deliveries: WitnessDelivery[];
}

/**
 * What the engine's scheduler calls (e.g. every minute): signs a checkpoint when `every` has passed
 * since the last one and the log has grown by more than that checkpoint's own record, sends it to
 * the witnesses, and re-sends the latest checkpoint to witnesses that failed to take it.
 */
export async function runScheduledCheckpoint(
  { log, clock }: { log: EvidenceLog; clock: Clock },
  workspaceId: string,
  { every, witnesses, send }: { every: string; witnesses: Witness[]; send?: SendOptions },
): Promise<ScheduledCheckpoint> {
  const latest = await log.latestCheckpoint(workspaceId);
  const head = await log.head(workspaceId);
  const now = clock.now();
  let skipped: ScheduledCheckpoint['skipped'];
  if (latest && addDuration(new Date(latest.signedAt), every) > now) skipped = 'not-due';
  else if (latest && head.treeSize <= latest.treeSize + 1) skipped = 'unchanged';
  if (skipped) {
    const failed = latest ? witnesses.filter((w) => latest.witnesses.some((d) => d.witness === witnessName(w) && !d.ok)) : [];
    if (!latest || failed.length === 0) return { skipped, deliveries: [] };
    const retried = await sendToWitnesses(latest.note, failed, { clock, ...send });
    const merged = latest.witnesses.map((d) => retried.find((r) => r.witness === d.witness) ?? d);
    await log.recordWitnesses(latest.id, merged);
    return { skipped, deliveries: retried };
  }
  return publish({ log, clock }, await log.checkpoint(workspaceId), witnesses, send);
}

/** Send a checkpoint to the witnesses and store how each delivery went. */
export async function publish(
  { log, clock }: { log: EvidenceLog; clock: Clock },
  checkpoint: SignedCheckpoint,
  witnesses: Witness[],
  send?: SendOptions,
): Promise<ScheduledCheckpoint> {
  const deliveries = witnesses.length ? await sendToWitnesses(checkpoint.note, witnesses, { clock, ...send }) : [];
  if (deliveries.length) await log.recordWitnesses(checkpoint.id, deliveries);
  return { checkpoint: { ...checkpoint, witnesses: deliveries }, deliveries };
}

/** Split a file of notes (as a file witness writes them) into single notes. */
export function splitNotes(text: string): string[] {
  const notes: string[] = [];
  let current: string[] = [];
  let inSignatures = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('\u2014 ')) {
      inSignatures = true;
      current.push(line);
      continue;
    }
    if (inSignatures) {
      notes.push(`${current.join('\n')}\n`);
      current = [];
      inSignatures = false;
      if (line === '') continue;
    }
    current.push(line);
  }
  if (inSignatures) notes.push(`${current.join('\n')}\n`);
  return notes;
}
