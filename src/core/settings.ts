/**
 * Settings an admin changes from the dashboard or the API: remediation SLAs per severity, the
 * SLA-at-risk share, and check parameters. vigil.yaml stays the base; `setting_overrides` holds
 * per-workspace overrides of single values; `effective()` is the one merged view every reader uses
 * (the monitor when it judges, the findings service when it sets a deadline, the sweep, the API),
 * each value with where it came from: `default`, `config` (vigil.yaml) or `override`.
 *
 * Overrides are read from the database at every evaluation (a handful of rows), so a worker in
 * another process judges with a change on its next run; resolved checks are cached per workspace
 * and rebuilt only when the overrides differ from the last read.
 *
 * A change is validated against the same rules as vigil.yaml (the config schema's durations and
 * share, each check's own zod params over its defaults and vigil.yaml's values), applied in one
 * transaction with a `user.action` evidence record of every value before and after.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AnyCheck } from '../checks/sdk/define.ts';
import type { Database, Executor } from '../db/client.ts';
import { settingOverrides, type SettingOverrideRow, type SettingSection } from '../db/schema/setting-overrides.ts';
import { paramsHash, type ResolvedCheck } from '../engine/evaluate.ts';
import type { EvidenceLog } from '../evidence/log.ts';
import type { Clock } from '../lib/clock.ts';
import { VigilError, invalidInput } from '../lib/errors.ts';
import { alertsSchema, configSchema, severities, type Severity, type VigilConfig } from './config/schema.ts';
import { resolveChecks } from './checks.ts';

/** Held while a change is applied: one change at a time per workspace, so "before" is what it replaced. */
const SETTINGS_LOCK = 7_447_012;

export type SettingOrigin = 'default' | 'config' | 'override';
export type Sla = VigilConfig['findings']['sla'];

/** How the dashboard edits a value: the input that fits its type (anything else as JSON text). */
export type ParamInput = 'number' | 'integer' | 'boolean' | 'string' | 'enum' | 'string-list' | 'json';

/** One value in force, where it came from, and what a reset falls back to. */
export interface SettingField {
  /** Its path as in vigil.yaml, which also names it in errors: `findings.sla.high`, `checks.params.<id>.<param>`. */
  path: string;
  name: string;
  value: unknown;
  origin: SettingOrigin;
  /** The value without the override: vigil.yaml's, else the default. */
  base: unknown;
  input: ParamInput;
  nullable: boolean;
  options?: string[] | undefined;
  description?: string | undefined;
  /** Why it cannot be overridden here (a value Vigil owns), or null. */
  locked: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface CheckSettings {
  id: string;
  title: string;
  /** Parameters in force (defaults, vigil.yaml, overrides and Vigil's own values merged). */
  params: Record<string, unknown>;
  fields: SettingField[];
}

export interface EffectiveSettings {
  findings: { sla: Sla; slaAtRisk: number; fields: SettingField[] };
  checks: CheckSettings[];
}

/** A change: a value sets an override, null removes it (back to vigil.yaml or the default). */
export interface SettingsPatch {
  findings?: { sla?: Partial<Record<Severity, string | null>> | undefined; slaAtRisk?: number | null | undefined } | undefined;
  checks?: Record<string, Record<string, unknown>> | undefined;
}

export interface SettingChange {
  path: string;
  /** The check whose parameter it is (checks.params.*). */
  check?: string | undefined;
  before: { value: unknown; origin: SettingOrigin };
  after: { value: unknown; origin: SettingOrigin };
}

export interface SettingsActor {
  id: string;
  email?: string | undefined;
  role?: string | undefined;
  /** `session`, `token:<id>`, `cli`. */
  via?: string | undefined;
}

export interface SettingsStoreDeps {
  db: Database;
  clock: Clock;
  evidence: Pick<EvidenceLog, 'append'>;
  config: VigilConfig;
  checks: AnyCheck[];
  configFile?: string | undefined;
}

// The same rules as vigil.yaml: read from the config schema itself, not restated.
const slaShape = configSchema.shape.findings.unwrap().shape.sla.unwrap().shape;
const slaAtRiskSchema = alertsSchema.shape.slaAtRisk.unwrap();
const defaults = configSchema.parse({});

/**
 * The check params from vigil.yaml, plus what Vigil itself knows, for each check that declares such
 * a param: `evidenceRetention` (vigil.yaml evidence.retention, judged by logging.retention). Vigil's
 * own value wins over an override in checks.params: the check must judge the retention Vigil
 * actually applies, not one written beside it.
 */
export function withVigilParams(checks: AnyCheck[], config: VigilConfig): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = { ...config.checks.params };
  for (const c of checks) {
    const owned = ownedParams(c, config);
    if (Object.keys(owned).length) out[c.id] = { ...out[c.id], ...owned };
  }
  return out;
}

/** The values Vigil owns: where each comes from in vigil.yaml. */
const OWNED: Record<string, { from: string; value: (config: VigilConfig) => unknown }> = {
  evidenceRetention: { from: 'evidence.retention', value: (config) => config.evidence.retention },
};

function shapeOf(check: AnyCheck): Record<string, z.ZodType> {
  return (check.params as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
}

function ownedParams(check: AnyCheck, config: VigilConfig): Record<string, unknown> {
  const shape = shapeOf(check);
  return Object.fromEntries(Object.entries(OWNED).filter(([k]) => k in shape).map(([k, o]) => [k, o.value(config)]));
}

type JsonSchema = { type?: string; enum?: unknown[]; anyOf?: JsonSchema[]; items?: JsonSchema; description?: string };

/** The input that fits a param, from its JSON Schema (the same one GET /api/v1/checks/:id shows). */
function inputOf(schema: z.ZodType): Pick<SettingField, 'input' | 'nullable' | 'options' | 'description'> {
  let js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const description = js.description ?? schema.description;
  let nullable = false;
  if (js.anyOf) {
    const rest = js.anyOf.filter((s) => s.type !== 'null');
    nullable = rest.length < js.anyOf.length;
    if (rest.length === 1) js = rest[0]!;
  }
  const strings = (v: unknown[] | undefined) => (v && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  const base = { nullable, ...(description ? { description } : {}) };
  if (js.type === 'integer') return { ...base, input: 'integer' };
  if (js.type === 'number') return { ...base, input: 'number' };
  if (js.type === 'boolean') return { ...base, input: 'boolean' };
  if (js.type === 'string') return strings(js.enum) ? { ...base, input: 'enum', options: strings(js.enum) } : { ...base, input: 'string' };
  if (js.type === 'array' && js.items?.type === 'string') return { ...base, input: 'string-list', ...(strings(js.items.enum) ? { options: strings(js.items.enum) } : {}) };
  return { ...base, input: 'json' };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface Overrides {
  sla: Partial<Record<Severity, string>>;
  slaAtRisk: number | undefined;
  checks: Record<string, Record<string, unknown>>;
  rows: SettingOverrideRow[];
}

export function createSettingsStore(deps: SettingsStoreDeps) {
  const { db, clock, evidence, config, checks } = deps;
  const byId = new Map(checks.map((c) => [c.id, c]));
  const file = deps.configFile ?? 'vigil.yaml';
  // vigil.yaml's params over the defaults: a wrong one is a config error at start, as before.
  const base = resolveChecks(checks, withVigilParams(checks, config), file);
  /** Resolved checks per workspace, with the overrides they were built from. */
  const cache = new Map<string, { key: string; resolved: ResolvedCheck[] }>();

  async function read(ws: string, ex: Executor = db.orm): Promise<Overrides> {
    const rows = await ex.select().from(settingOverrides).where(eq(settingOverrides.workspaceId, ws)).orderBy(settingOverrides.section, settingOverrides.name);
    const out: Overrides = { sla: {}, slaAtRisk: undefined, checks: {}, rows };
    for (const r of rows) {
      if (r.section === 'findings.sla') out.sla[r.name as Severity] = r.value as string;
      else if (r.section === 'alerts' && r.name === 'slaAtRisk') out.slaAtRisk = r.value as number;
      else if (r.section === 'checks.params') out.checks[r.name] = r.value as Record<string, unknown>;
    }
    return out;
  }

  /** What a check is given: defaults ← vigil.yaml ← overrides ← Vigil's own values. */
  function mergedInput(check: AnyCheck, override: Record<string, unknown> | undefined): Record<string, unknown> {
    return { ...config.checks.params[check.id], ...override, ...ownedParams(check, config) };
  }

  function parseParams(check: AnyCheck, input: Record<string, unknown>, where: string): Record<string, unknown> {
    const r = (check.params as z.ZodType).safeParse(input);
    if (r.success) return r.data as Record<string, unknown>;
    const issue = r.error.issues[0]!;
    const field = [where, ...issue.path.map(String)].join('.');
    throw invalidInput(`${field}: ${issue.message}`, { where: field, details: { issues: r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })) } });
  }

  function resolve(o: Overrides): ResolvedCheck[] {
    return base.map((r) => {
      const override = o.checks[r.check.id];
      if (!override) return r;
      let params: Record<string, unknown>;
      try {
        params = parseParams(r.check, mergedInput(r.check, override), `checks.params.${r.check.id}`);
      } catch (e) {
        // Valid when set, no longer (vigil.yaml or the check changed since). Judging with other
        // params than the admin chose would be silent: this check alone errors, saying why.
        const error = new VigilError('InvalidConfig', `its parameters set in Settings are no longer valid (${(e as Error).message}); change or reset them in Settings`, {
          where: `checks.params.${r.check.id}`,
        });
        const broken = { ...r.check, evaluate: () => Promise.reject(error) } as AnyCheck;
        return { check: broken, params: r.params, paramsHash: paramsHash({ invalid: (e as Error).message }) };
      }
      return { check: r.check, params, paramsHash: paramsHash(params) };
    });
  }

  async function resolved(ws: string, ex: Executor = db.orm): Promise<ResolvedCheck[]> {
    const o = await read(ws, ex);
    const key = JSON.stringify(o.checks);
    const hit = cache.get(ws);
    if (hit && hit.key === key) return hit.resolved;
    const list = resolve(o);
    cache.set(ws, { key, resolved: list });
    return list;
  }

  function meta(o: Overrides, section: SettingSection, name: string) {
    const r = o.rows.find((x) => x.section === section && x.name === name);
    return { updatedBy: r?.updatedBy ?? null, updatedAt: r?.updatedAt.toISOString() ?? null };
  }

  function view(o: Overrides): EffectiveSettings {
    const slaFields: SettingField[] = severities.map((sev) => {
      const configured = config.findings.sla[sev];
      const override = o.sla[sev];
      return {
        path: `findings.sla.${sev}`,
        name: sev,
        value: override ?? configured,
        origin: override !== undefined ? 'override' : configured !== defaults.findings.sla[sev] ? 'config' : 'default',
        base: configured,
        input: 'string',
        nullable: false,
        description: `Time to remediate a ${sev} finding, from detection (ISO 8601 duration, e.g. P15D or PT24H).`,
        locked: null,
        ...meta(o, 'findings.sla', sev),
      };
    });
    const atRisk = config.alerts.slaAtRisk;
    slaFields.push({
      path: 'alerts.slaAtRisk',
      name: 'slaAtRisk',
      value: o.slaAtRisk ?? atRisk,
      origin: o.slaAtRisk !== undefined ? 'override' : atRisk !== defaults.alerts.slaAtRisk ? 'config' : 'default',
      base: atRisk,
      input: 'number',
      nullable: false,
      description: slaAtRiskSchema.description ?? alertsSchema.shape.slaAtRisk.description,
      locked: null,
      ...meta(o, 'alerts', 'slaAtRisk'),
    });
    const sla = Object.fromEntries(slaFields.slice(0, severities.length).map((f) => [f.name, f.value])) as Sla;
    return {
      findings: { sla, slaAtRisk: o.slaAtRisk ?? atRisk, fields: slaFields },
      checks: checks.map((check) => {
        const override = o.checks[check.id] ?? {};
        const configured = config.checks.params[check.id] ?? {};
        const owned = ownedParams(check, config);
        const base = parseParams(check, mergedInput(check, undefined), `checks.params.${check.id}`);
        let params: Record<string, unknown>;
        try {
          params = parseParams(check, mergedInput(check, override), `checks.params.${check.id}`);
        } catch {
          params = base; // shown as vigil.yaml's; the evaluation reports the stale override
        }
        const m = meta(o, 'checks.params', check.id);
        return {
          id: check.id,
          title: check.title,
          params,
          fields: Object.entries(shapeOf(check)).map(([name, schema]): SettingField => ({
            path: `checks.params.${check.id}.${name}`,
            name,
            value: params[name] ?? null,
            origin: name in owned ? 'config' : name in override ? 'override' : name in configured ? 'config' : 'default',
            base: base[name] ?? null,
            ...inputOf(schema),
            locked: name in owned ? `Vigil's own ${OWNED[name]!.from} (vigil.yaml): the check judges the value Vigil applies` : null,
            ...(name in override ? m : { updatedBy: null, updatedAt: null }),
          })),
        };
      }),
    };
  }

  /** Validate a patch against the overrides now; returns the rows to write (value) or delete (null). */
  function plan(o: Overrides, patch: SettingsPatch): { section: SettingSection; name: string; value: unknown }[] {
    const writes: { section: SettingSection; name: string; value: unknown }[] = [];
    for (const [sev, value] of Object.entries(patch.findings?.sla ?? {})) {
      const where = `findings.sla.${sev}`;
      if (!(severities as readonly string[]).includes(sev)) throw invalidInput(`${where}: there is no severity "${sev}" (severities: ${severities.join(', ')})`, { where });
      if (value === undefined) continue;
      if (value !== null) {
        const r = slaShape[sev as Severity].safeParse(value);
        if (!r.success) throw invalidInput(`${where}: ${r.error.issues[0]!.message}`, { where });
      }
      writes.push({ section: 'findings.sla', name: sev, value });
    }
    const atRisk = patch.findings?.slaAtRisk;
    if (atRisk !== undefined) {
      const where = 'alerts.slaAtRisk';
      if (atRisk !== null) {
        const r = slaAtRiskSchema.safeParse(atRisk);
        if (!r.success) throw invalidInput(`${where}: ${r.error.issues[0]!.message} (a share of the time to remediate, between 0 and 1, e.g. 0.75)`, { where });
      }
      writes.push({ section: 'alerts', name: 'slaAtRisk', value: atRisk });
    }
    for (const [id, params] of Object.entries(patch.checks ?? {})) {
      const where = `checks.params.${id}`;
      const check = byId.get(id);
      if (!check) throw invalidInput(`${where}: there is no check "${id}"`, { where, hint: 'GET /api/v1/checks lists them' });
      const shape = shapeOf(check);
      const next = { ...o.checks[id] };
      for (const [name, value] of Object.entries(params)) {
        const at = `${where}.${name}`;
        if (!(name in shape)) {
          const known = Object.keys(shape).filter((k) => !(k in OWNED));
          throw invalidInput(`${at}: ${id} has no parameter "${name}" (${known.length ? `its parameters: ${known.join(', ')}` : 'it takes none'})`, { where: at });
        }
        if (name in OWNED) {
          throw invalidInput(`${at}: Vigil sets ${name} itself from ${OWNED[name]!.from} in vigil.yaml, so it cannot be overridden here`, { where: at, hint: `change ${OWNED[name]!.from} in vigil.yaml` });
        }
        // null removes the override, even for a param that takes null (set that one in vigil.yaml).
        if (value === null) delete next[name];
        else next[name] = value;
      }
      parseParams(check, mergedInput(check, next), where);
      writes.push({ section: 'checks.params', name: id, value: Object.keys(next).length ? next : null });
    }
    return writes;
  }

  const changesBetween = (a: EffectiveSettings, b: EffectiveSettings): SettingChange[] => {
    const fields = (s: EffectiveSettings): (SettingField & { check?: string })[] => [...s.findings.fields, ...s.checks.flatMap((c) => c.fields.map((f) => ({ ...f, check: c.id })))];
    const before = new Map(fields(a).map((f) => [f.path, f]));
    return fields(b)
      .filter((f) => {
        const was = before.get(f.path)!;
        return was.origin !== f.origin || !sameJson(was.value, f.value);
      })
      .map((f) => {
        const was = before.get(f.path)!;
        return { path: f.path, ...(f.check ? { check: f.check } : {}), before: { value: was.value, origin: was.origin }, after: { value: f.value, origin: f.origin } };
      });
  };

  return {
    /** Every check with vigil.yaml's params (no workspace's overrides). */
    base,

    /** vigil.yaml merged with this workspace's overrides, each value with its origin. */
    async effective(ws: string, ex?: Executor): Promise<EffectiveSettings> {
      return view(await read(ws, ex));
    },

    /** The remediation SLA in force for new findings. */
    async sla(ws: string, ex?: Executor): Promise<Sla> {
      const o = await read(ws, ex);
      return { ...config.findings.sla, ...o.sla };
    },

    async slaAtRisk(ws: string, ex?: Executor): Promise<number> {
      return (await read(ws, ex)).slaAtRisk ?? config.alerts.slaAtRisk;
    },

    /** Every check with the params in force in this workspace (read now; cached while unchanged). */
    resolved,

    /**
     * Apply a change: all of it or none. Values are checked as vigil.yaml's are, and the error names
     * the field (`findings.sla.high`, `checks.params.<id>.<param>`); null removes an override.
     * Records a `user.action` evidence record with each value before and after, in the same
     * transaction. Returns what changed and that record's id (null when nothing changed).
     */
    async update(ws: string, patch: SettingsPatch, actor: SettingsActor | null): Promise<{ changes: SettingChange[]; record: string | null; settings: EffectiveSettings }> {
      return db.orm.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${SETTINGS_LOCK}, hashtext(${ws}))`);
        const o = await read(ws, tx);
        const writes = plan(o, patch);
        const now = clock.now();
        for (const w of writes) {
          const key = and(eq(settingOverrides.workspaceId, ws), eq(settingOverrides.section, w.section), eq(settingOverrides.name, w.name));
          if (w.value === null) {
            await tx.delete(settingOverrides).where(key);
            continue;
          }
          const current = o.rows.find((r) => r.section === w.section && r.name === w.name);
          if (current && sameJson(current.value, w.value)) continue;
          await tx
            .insert(settingOverrides)
            .values({ workspaceId: ws, section: w.section, name: w.name, value: w.value, updatedBy: actor?.id ?? null, updatedAt: now })
            .onConflictDoUpdate({ target: [settingOverrides.workspaceId, settingOverrides.section, settingOverrides.name], set: { value: w.value, updatedBy: actor?.id ?? null, updatedAt: now } });
        }
        const after = await read(ws, tx);
        const settings = view(after);
        const changes = changesBetween(view(o), settings);
        if (!changes.length) return { changes, record: null, settings };
        const [appended] = await evidence.append(
          ws,
          [
            {
              kind: 'user.action',
              source: actor ? `user:${actor.id}` : 'vigil',
              subject: 'settings',
              collectedAt: now,
              effectiveAt: now,
              content: {
                action: 'settings.change',
                actor: actor ? { id: actor.id, email: actor.email ?? null, role: actor.role ?? null } : null,
                via: actor?.via ?? null,
                details: { changes: changes as never },
              },
            },
          ],
          tx,
        );
        return { changes, record: appended?.id ?? null, settings };
      });
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
