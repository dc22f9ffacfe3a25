/**
 * The narrow shapes core services need from the evidence log and the alerter. Services take these
 * (not the whole modules), so each shows exactly what it touches and tests can pass real ones.
 */
import type { Executor } from '../db/client.ts';

export interface EvidenceInput {
  kind: string;
  source: string;
  subject: string;
  effectiveAt: Date;
  content: unknown;
}

export interface EvidenceAppender {
  /** Appends records (inside `tx` when given) and returns their ids in order. */
  appendRecords(workspaceId: string, records: EvidenceInput[], tx?: Executor): Promise<string[]>;
}

export interface AlertInput {
  kind:
    | 'finding.opened'
    | 'finding.reopened'
    | 'finding.sla_at_risk'
    | 'finding.sla_breached'
    | 'source.failing'
    | 'source.recovered'
    | 'mute.expiring'
    | 'digest';
  /** Stable per occurrence, so raising the same alert twice delivers once. */
  key: string;
  severity?: string;
  owner?: string | null;
  payload: Record<string, unknown>;
}

export interface AlertRaiser {
  raise(workspaceId: string, alert: AlertInput, tx?: Executor): Promise<void>;
}
