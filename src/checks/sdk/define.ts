/**
 * defineCheck: a test of one aspect of one or more controls, pure over stored data.
 *
 * A check names the controls it tests (never a framework: the catalog maps controls to
 * requirements), the resource types and event streams it reads, its parameters (baselines and
 * thresholds, with defaults a workspace overrides in vigil.yaml) and an `evaluate` that turns
 * stored rows into results. It does not decide `stale` or `error`: the engine does, from the health
 * and age of the sources behind the inputs, so missing data can never come out as a pass.
 */
import type { z } from 'zod';
import type { Severity } from '../../core/config/schema.ts';
import type { InputReader } from './inputs.ts';

export const checkAreas = [
  'access',
  'change',
  'cloud',
  'logging',
  'vulnerability',
  'availability',
  'backup',
  'incident',
  'vendor',
  'people',
  'custom',
] as const;
export type CheckArea = (typeof checkAreas)[number];

/** A result names the evidence it was judged on (evidence record ids) — on a pass as on a fail. */
interface ResultBase {
  /** Stable id of what was judged, `<type>/<key>` by convention, e.g. `okta.user/00u1abc`. */
  resource: string;
  /**
   * Why, in words a person can act on. A result whose status, severity or reason differs from
   * the current one is stored as a new state (with its evidence record), so a reason names the
   * instants the judgement rests on (a date, a deadline) and never a span that grows with the
   * clock alone ("12 days ago", "3 days overdue", "99.2 % so far"): those belong in `details`.
   */
  reason: string;
  /** Evidence record ids this result was judged on (resource snapshots, events). */
  evidence: string[];
  /** Extra facts for the dashboard and the audit population (dates, counts, people). */
  details?: Record<string, unknown>;
  /** The source the judged resource came from, when there is one. */
  source?: string;
}

export interface PassResult extends ResultBase {
  status: 'pass';
}

export interface FailResult extends ResultBase {
  status: 'fail';
  /** How to fix it: required on every failure. */
  remediation: string;
  /** A failure may be more (or less) severe than the check's default. */
  severity?: Severity;
}

export interface NotApplicableResult extends ResultBase {
  status: 'not_applicable';
}

export type CheckResult = PassResult | FailResult | NotApplicableResult;

export interface CheckContext<P> {
  workspaceId: string;
  params: P;
  /**
   * The instant of the run. Only a check declaring `readsNow: true` may read it: the engine's
   * context throws for any other, since an incremental run skips a check whose inputs and params
   * did not change, which is only right for a check whose results do not move with the clock.
   */
  now: Date;
  inputs: InputReader;
}

export interface CheckInputs {
  /** Resource types read, e.g. `okta.user`. */
  resources?: string[];
  /** Event streams read, e.g. `okta.system_log`. */
  events?: string[];
  /**
   * Inputs the check can judge without (e.g. the leaver check works with an IdP alone, and also
   * looks at GitHub when a GitHub source exists). Missing optional inputs are not a reason for
   * `stale`; a source that provides one and is failing still is.
   */
  optional?: string[];
}

export interface CheckDefinition<P extends z.ZodType = z.ZodType> {
  id: string;
  title: string;
  description: string;
  area: CheckArea;
  /** Library control ids this check tests. */
  controls: string[];
  severity: Severity;
  inputs: CheckInputs;
  /**
   * How old the newest successful collection of every input may be before results are `stale`
   * (ISO 8601 duration). Default P1D.
   */
  freshness?: string;
  /**
   * What a result depends on, which decides what an incremental evaluation re-judges:
   * - `population` (the default): results may depend on any row and on events of the check's
   *   inputs (and on the time, with `readsNow`); a run judges everything, unless no row of its
   *   inputs changed since its last run and it does not read the clock, when it is skipped.
   * - `resource`: each result is about one row of one of the check's resource types (named
   *   `<type>/<key>`) and depends only on that row, the rows that `belongsTo` attaches to it, and
   *   the params — not on other rows, not on events, not on `now`. A run after a collection then
   *   re-judges only the rows written since the check's last run (and the rows their changed
   *   `belongsTo` rows point at), keeping the current results of all others.
   */
  scope?: CheckScope;
  /**
   * Results may change as time passes with no change in the data: an SLA or deadline, an age
   * ("within N days", "not used for 90 days"), a window of events before now. Such a check reads
   * `now` and must say so; an incremental evaluation always re-judges it (like a change in its
   * inputs would), while a check that does not read the clock is skipped when none of the rows it
   * reads changed and its params are the same as at its last run. The engine refuses `now` to a
   * check that does not declare it, so a forgotten declaration is an error, not a wrong skip.
   */
  readsNow?: boolean;
  /**
   * With `scope: 'resource'`: input types whose rows each belong to one judged row — a row of
   * type `to` whose key is the value of field `by` (e.g. `okta.factors` belong to `okta.users` by
   * `userId`). A check reading such a type is judged per row of `to`, with only its own rows.
   */
  belongsTo?: Record<string, { to: string; by: string }>;
  /** Parameters with defaults; must accept `{}`. */
  params: P;
  evaluate(ctx: CheckContext<z.infer<P>>): Promise<CheckResult[]>;
}

export type CheckScope = 'population' | 'resource';

export type AnyCheck = CheckDefinition<z.ZodType>;

const ID = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;

export function defineCheck<P extends z.ZodType>(def: CheckDefinition<P>): CheckDefinition<P> {
  if (!ID.test(def.id)) throw new Error(`check id "${def.id}" must look like area.name (lower case, dots and dashes)`);
  if (def.controls.length === 0) throw new Error(`check ${def.id} must name at least one control`);
  if (!def.inputs.resources?.length && !def.inputs.events?.length) {
    throw new Error(`check ${def.id} must declare the resources or events it reads`);
  }
  if (def.scope === 'resource') {
    if (def.inputs.events?.length) throw new Error(`check ${def.id}: scope 'resource' judges rows on their own, so it cannot read events (${def.inputs.events.join(', ')}); use scope 'population'`);
    if (def.readsNow) throw new Error(`check ${def.id}: scope 'resource' results depend only on their rows and the params, so it cannot read now (readsNow); use scope 'population'`);
    const types = def.inputs.resources ?? [];
    for (const [type, link] of Object.entries(def.belongsTo ?? {})) {
      if (!types.includes(type)) throw new Error(`check ${def.id}: belongsTo names ${type}, which is not one of its resource inputs`);
      if (!types.includes(link.to) || def.belongsTo![link.to]) throw new Error(`check ${def.id}: ${type} belongs to ${link.to}, which must be a resource input judged on its own`);
    }
  } else if (def.belongsTo) {
    throw new Error(`check ${def.id}: belongsTo only means something with scope 'resource'`);
  }
  const defaults = def.params.safeParse({});
  if (!defaults.success) throw new Error(`check ${def.id}: params must have a default for every field`);
  return def;
}

/** The resource types a `scope: 'resource'` check judges rows of (those not belonging to another). */
export function subjectTypes(check: Pick<AnyCheck, 'inputs' | 'belongsTo'>): string[] {
  return (check.inputs.resources ?? []).filter((t) => !check.belongsTo?.[t]);
}

/** Every type/stream a check reads. */
export function inputNames(check: Pick<AnyCheck, 'inputs'>): string[] {
  return [...(check.inputs.resources ?? []), ...(check.inputs.events ?? [])];
}
