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
  /** Why, in words a person can act on. */
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
  /** Parameters with defaults; must accept `{}`. */
  params: P;
  evaluate(ctx: CheckContext<z.infer<P>>): Promise<CheckResult[]>;
}

export type AnyCheck = CheckDefinition<z.ZodType>;

const ID = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;

export function defineCheck<P extends z.ZodType>(def: CheckDefinition<P>): CheckDefinition<P> {
  if (!ID.test(def.id)) throw new Error(`check id "${def.id}" must look like area.name (lower case, dots and dashes)`);
  if (def.controls.length === 0) throw new Error(`check ${def.id} must name at least one control`);
  if (!def.inputs.resources?.length && !def.inputs.events?.length) {
    throw new Error(`check ${def.id} must declare the resources or events it reads`);
  }
  const defaults = def.params.safeParse({});
  if (!defaults.success) throw new Error(`check ${def.id}: params must have a default for every field`);
  return def;
}

/** Every type/stream a check reads. */
export function inputNames(check: Pick<AnyCheck, 'inputs'>): string[] {
  return [...(check.inputs.resources ?? []), ...(check.inputs.events ?? [])];
}
