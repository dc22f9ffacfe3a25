/**
 * One probe run per collection. Both event streams (`probes` and `outages`) need the same run's
 * results, and the engine lists them one after the other with the same run context — so the run is
 * made once per context, by whichever stream is listed first, and shared.
 */
import type { RunContext } from '../sdk/index.ts';
import type { HttpProbeConfig } from './config.ts';
import { endpointOf, probeTarget } from './probe.ts';

export interface ProbeResult {
  id: string;
  target: string;
  type: 'http' | 'tcp';
  endpoint: string;
  at: string;
  ok: boolean;
  latencyMs: number | null;
  statusCode: number | null;
  error: string | null;
}

/** Targets probed at once: enough for a long list, few enough not to look like a flood. */
const CONCURRENCY = 8;

const runs = new WeakMap<object, Promise<ProbeResult[]>>();

export async function probeAll(ctx: RunContext<HttpProbeConfig>): Promise<ProbeResult[]> {
  // Every probe of a run shares one time, so a run's results line up across targets.
  const at = ctx.clock.now().toISOString();
  const targets = ctx.config.targets;
  const results: ProbeResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < targets.length; i = next++) {
      const t = targets[i]!;
      const outcome = await probeTarget(t, ctx.signal);
      results[i] = { id: `${t.name}@${at}`, target: t.name, type: t.type, endpoint: endpointOf(t), at, ...outcome };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));
  for (const r of results) {
    if (!r.ok) ctx.log.warn(`${r.target} (${r.endpoint}) failed its probe: ${r.error}`);
  }
  return results;
}

/** This collection's probe run: made on first use, shared by both streams of the same context. */
export function probeRun(ctx: RunContext<HttpProbeConfig>): Promise<ProbeResult[]> {
  let run = runs.get(ctx);
  if (!run) {
    run = probeAll(ctx);
    runs.set(ctx, run);
  }
  return run;
}
