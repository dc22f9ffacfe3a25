/**
 * Continuous monitoring, composed: collect a source, then re-judge the checks whose inputs changed;
 * store results as state changes with their evidence; open, resolve and reopen findings; alert on
 * new findings and on sources that start or stop failing. The CLI, the server and the job workers
 * all drive Vigil through this one service.
 */
import type { Database, Executor } from '../db/client.ts';
import type { Clock } from '../lib/clock.ts';
import { notFound } from '../lib/errors.ts';
import type { AnyCheck } from '../checks/sdk/define.ts';
import { collectSource, type CollectOptions, type CollectOutcome } from '../engine/collect.ts';
import { evaluateChecks, type CheckRunSummary, type ResolvedCheck } from '../engine/evaluate.ts';
import type { ResultChange } from '../engine/results.ts';
import { registerSources, validateSources, type ConnectorLookup } from '../engine/sources.ts';
import type { BlobStore } from '../evidence/blob-store.ts';
import type { EvidenceLog } from '../evidence/log.ts';
import type { VigilConfig } from './config/schema.ts';
import { createFindingService, type OwnerQuery } from './findings.ts';
import type { AlertRaiser } from './ports.ts';
import { raiseDigests } from './digest.ts';
import { listEffectiveSources, type SourceStore } from './sources.ts';
import { createSettingsStore, type SettingsStore } from './settings.ts';

export interface MonitorDeps {
  db: Database;
  clock: Clock;
  evidence: EvidenceLog;
  blobs: BlobStore;
  alerts: AlertRaiser;
  config: VigilConfig;
  checks: AnyCheck[];
  lookup?: ConnectorLookup;
  /** Who owns a failure; default: rules in config, then nobody. */
  resolveOwner?(q: OwnerQuery, tx: Executor): Promise<string | null>;
  configFile?: string;
  /** Sources added through the API, merged with vigil.yaml's at every sync and collection. */
  sourceStore?: SourceStore;
  /** SLAs and check params overridden per workspace (default: a store over the same database). */
  settings?: SettingsStore;
}

export { withVigilParams } from './settings.ts';

export function createMonitor(deps: MonitorDeps) {
  const { db, clock, evidence, alerts, config } = deps;
  const settings = deps.settings ?? createSettingsStore({ db, clock, evidence, config, checks: deps.checks, configFile: deps.configFile });
  // vigil.yaml's params; what a workspace judges with (its overrides merged) is checksFor(ws).
  const resolved: ResolvedCheck[] = settings.base;
  const findings = createFindingService({
    db,
    clock,
    evidence,
    alerts,
    // Read when a finding opens or reopens, so a change in Settings applies to the next one.
    sla: (workspaceId, tx) => settings.sla(workspaceId, tx),
    resolveOwner: deps.resolveOwner ?? (async () => null),
  });

  async function recordChanges(tx: Executor, workspaceId: string, r: ResolvedCheck, changes: ResultChange[], now: Date) {
    const appended = await evidence.append(
      workspaceId,
      changes.map((c) => ({
        kind: 'check.result' as const,
        source: 'vigil:evaluation',
        subject: `${r.check.id}/${c.resource}`,
        collectedAt: now,
        effectiveAt: now,
        content: {
          check: r.check.id,
          controls: r.check.controls,
          resource: c.resource,
          status: c.after!.status,
          severity: c.after!.severity,
          reason: c.after!.reason,
          remediation: c.after!.remediation ?? null,
          judgedOn: c.after!.evidence,
          params: r.params as never,
          previous: c.before ? { status: c.before.status, reason: c.before.reason, since: c.before.validFrom.toISOString() } : null,
        },
      })),
      tx,
    );
    return appended.map((a) => a.id);
  }

  async function evaluate(workspaceId: string, options: { onlyChanged?: boolean; checkIds?: string[] } = {}): Promise<CheckRunSummary[]> {
    // The overrides are read at every evaluation, so a worker judges with a change made elsewhere.
    const all = await settings.resolved(workspaceId);
    const selected = options.checkIds ? all.filter((r) => options.checkIds!.includes(r.check.id)) : all;
    return evaluateChecks({ db, clock }, workspaceId, selected, {
      onlyChanged: options.onlyChanged ?? false,
      hooks: {
        recordChanges: (tx, r, changes, now) => recordChanges(tx, workspaceId, r, changes, now),
        onChanges: (tx, r, changes, now) => findings.syncFromChanges(tx, workspaceId, r, changes, now),
      },
    });
  }

  async function sourceAlerts(workspaceId: string, type: string, outcome: CollectOutcome, at: Date) {
    if (outcome.status === 'failed' && outcome.previousStatus !== 'failing') {
      await alerts.raise(workspaceId, {
        kind: 'source.failing',
        payload: {
          source: outcome.source,
          type,
          error: outcome.error ?? 'collection failed',
          errorTag: outcome.errorTag ?? null,
          failingSince: at.toISOString(),
          lastSuccessAt: null,
        },
      });
    } else if (outcome.status !== 'failed' && outcome.previousStatus === 'failing') {
      await alerts.raise(workspaceId, {
        kind: 'source.recovered',
        payload: { source: outcome.source, type, failingSince: at.toISOString(), recoveredAt: clock.now().toISOString() },
      });
    }
  }

  return {
    findings,
    /** Every check with vigil.yaml's params; `checksFor` gives a workspace's, with its overrides. */
    checks: resolved,
    checksFor: (workspaceId: string) => settings.resolved(workspaceId),
    settings,

    /** The sources of vigil.yaml and those added through the API, read now. */
    sources: (workspaceId: string) => listEffectiveSources(config, deps.sourceStore, workspaceId),

    /** Register every source (vigil.yaml's validated against their connectors, and the stored ones). */
    async sync(workspaceId: string) {
      validateSources(config.sources, deps.configFile, deps.lookup);
      return registerSources(db.orm, workspaceId, await listEffectiveSources(config, deps.sourceStore, workspaceId), deps.lookup);
    },

    /**
     * Collect one source (or all enabled ones), then judge what changed. The list is read from the
     * database each time, so a worker finds a source another process added.
     */
    async collect(workspaceId: string, sourceName?: string, options: CollectOptions & { evaluate?: boolean } = {}) {
      const all = await listEffectiveSources(config, deps.sourceStore, workspaceId);
      const list = all.filter((s) => s.enabled && (!sourceName || s.name === sourceName));
      if (sourceName && !list.length) {
        throw notFound(`no enabled source named "${sourceName}"`, { hint: `sources: ${all.map((s) => s.name).join(', ') || '(none)'}` });
      }
      const outcomes: CollectOutcome[] = [];
      for (const s of list) {
        const at = clock.now();
        const outcome = await collectSource({ db, clock, evidence, blobs: deps.blobs, ...(deps.lookup ? { lookup: deps.lookup } : {}) }, workspaceId, s, options);
        await sourceAlerts(workspaceId, s.type, outcome, at);
        outcomes.push(outcome);
      }
      const evaluation = options.evaluate === false ? [] : await evaluate(workspaceId, { onlyChanged: true });
      return { outcomes, evaluation };
    },

    evaluate,

    /** Time-driven work: expired mutes, SLA alerts, and the digests of the period that ended. */
    async sweep(workspaceId: string) {
      const counts = await findings.sweep(workspaceId, { atRiskShare: await settings.slaAtRisk(workspaceId), muteWarning: 'P3D' });
      const digests = await raiseDigests({ db, clock, alerts }, workspaceId, config.alerts.digest);
      return { ...counts, digests };
    },
  };
}

export type Monitor = ReturnType<typeof createMonitor>;
