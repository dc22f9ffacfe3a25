/**
 * Scores the detection matchers on the labelled cases and renders docs/detection.md. Pure and
 * deterministic (no dates, stable order), so a test can tell when the committed doc is stale.
 */
import { matchCloudTrail } from './cloudtrail.ts';
import { matchGitHubAudit } from './github.ts';
import type { Detection, Match } from './match.ts';
import { matchOktaLog } from './okta.ts';
import type { Case, Provider } from './labelled-sets.ts';
import type { OktaLogEventRow } from '../../connectors/okta/events/system-log.ts';

export function matchEvent(provider: Provider, event: Record<string, unknown>): Match[] {
  if (provider === 'aws') return matchCloudTrail(event);
  if (provider === 'github') return matchGitHubAudit(event);
  return matchOktaLog(event as unknown as OktaLogEventRow);
}

export type Outcome = 'TP' | 'FP' | 'FN' | 'TN' | 'unlabelled-fire';

export interface Judged {
  case: Case;
  detection: Detection;
  outcome: Outcome;
  /** The matches of this detection on the case's events (empty when it did not fire). */
  matches: Match[];
}

export function judge(cases: Case[], detectionsOf: Record<Provider, Detection[]>): Judged[] {
  const out: Judged[] = [];
  for (const c of cases) {
    const all = c.events.flatMap((e) => matchEvent(c.provider, e));
    for (const d of detectionsOf[c.provider]) {
      const matches = all.filter((m) => m.detection === d);
      const label = c.labels[d];
      const fired = matches.length > 0;
      if (!label) {
        if (fired) out.push({ case: c, detection: d, outcome: 'unlabelled-fire', matches });
        continue;
      }
      const outcome: Outcome = label.positive ? (fired ? 'TP' : 'FN') : fired ? 'FP' : 'TN';
      out.push({ case: c, detection: d, outcome, matches });
    }
  }
  return out;
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function confusion(js: Judged[]): Confusion {
  const n = (o: Outcome) => js.filter((j) => j.outcome === o).length;
  return { tp: n('TP'), fp: n('FP'), fn: n('FN'), tn: n('TN') };
}

const ratio = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)} %`);
export const precision = (c: Confusion) => ratio(c.tp, c.tp + c.fp);
export const recall = (c: Confusion) => ratio(c.tp, c.tp + c.fn);

/** Why each error or unlabelled alert happened, keyed `<case id>|<detection>`; the report test requires one for each. */
export type Notes = Readonly<Record<string, string>>;
export const noteKey = (j: Pick<Judged, 'case' | 'detection'>) => `${j.case.id}|${j.detection}`;

export function missingNotes(js: Judged[], notes: Notes): string[] {
  return js.filter((j) => j.outcome === 'FP' || j.outcome === 'FN' || j.outcome === 'unlabelled-fire').map(noteKey).filter((k) => !notes[k]);
}

export function row(name: string, c: Confusion): string {
  return `| ${name} | ${c.tp + c.fp + c.fn + c.tn} | ${c.tp} | ${c.fp} | ${c.fn} | ${c.tn} | ${precision(c)} | ${recall(c)} |`;
}

export const TABLE_HEAD = '| | labelled cases | TP | FP | FN | TN | precision | recall |\n|---|---:|---:|---:|---:|---:|---:|---:|';

