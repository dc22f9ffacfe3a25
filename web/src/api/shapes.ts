/** Response shapes of the resource routes (see src/server/routes/*.ts and /api/v1/openapi.json). */
export type ControlStatus = 'fail' | 'error' | 'stale' | 'no_data' | 'pass' | 'not_applicable';
export type DayState = 'failing' | 'stale' | 'no_data' | 'passing';

export interface RequirementLink {
  framework: string;
  id: string;
  strength: 'direct' | 'supporting';
}

export interface Control {
  id: string;
  title: string;
  description: string;
  area: string;
  owner: string | null;
  ownerRole: string;
  frequency: string;
  origin: 'library' | 'yaml';
  definedIn: string | null;
  status: ControlStatus;
  automated: boolean;
  checks: string[];
  results: Record<string, number>;
  requirements: RequirementLink[];
}

export interface EvidenceSummary {
  id: string;
  leafIndex: number;
  kind: string;
  source: string;
  subject: string;
  collectedAt: string;
  effectiveAt: string;
  contentHash: string;
  attachments: { sha256: string; size: number; name: string; mediaType: string }[];
  expired: boolean;
}

export interface ControlDetail extends Control {
  checkDetails: { id: string; title: string; severity: string; status: ControlStatus; results: Record<string, number> }[];
  requirementDetails: (RequirementLink & { title: string })[];
  evidence: EvidenceSummary[];
}

export interface Timeline {
  control: string;
  from: string;
  to: string;
  days: { date: string; state: DayState; failing: string[] }[];
  summary: Record<DayState, number>;
}

export interface Result {
  check: string;
  title: string;
  resource: string;
  status: string;
  severity: string;
  reason: string;
  remediation: string | null;
  evidence: string[];
  since: string;
  judgedAt: string;
  controls: string[];
  muted: boolean;
  finding: string | null;
}

export interface Finding {
  id: string;
  check: string;
  title: string;
  resource: string;
  controls: string[];
  source: string | null;
  severity: string;
  status: 'open' | 'acknowledged' | 'resolved' | 'muted';
  owner: string | null;
  reason: string;
  remediation: string | null;
  openedAt: string;
  dueAt: string;
  slaState: 'on_track' | 'at_risk' | 'overdue' | null;
  resolvedAt: string | null;
  reopenedCount: number;
  mute: { reason: string; approver: string | null; expiresAt: string | null } | null;
  updatedAt: string;
}

export interface FindingDetail extends Finding {
  canWork: boolean;
  history: { at: string; actor: string; action: string; from: string | null; to: string | null; note: string | null; evidence: string | null }[];
}

export interface FindingSummary {
  active: { severity: string; on_track: number; at_risk: number; overdue: number; muted: number }[];
  byStatus: Record<string, number>;
}

export interface Check {
  id: string;
  title: string;
  description: string;
  area: string;
  controls: string[];
  severity: string;
  freshness: string;
  params: unknown;
  status: ControlStatus;
  results: Record<string, number>;
  lastRun: { at: string; status: string; error: string | null } | null;
}

export interface Framework {
  id: string;
  name: string;
  version: string;
  groupKind: string;
  source: string;
  requirements: number;
}

export interface Coverage {
  framework: string;
  summary: { total: number; direct: number; supportingOnly: number; uncovered: number; automated: number };
  requirements: {
    id: string;
    title: string;
    group: string;
    coverage: 'direct' | 'supporting' | 'uncovered';
    gap: 'uncovered' | 'supporting_only' | 'manual_only' | null;
    status: ControlStatus;
    controls: { id: string; title: string; strength: 'direct' | 'supporting'; status: ControlStatus; checks: string[] }[];
  }[];
}

export interface Source {
  name: string;
  type: string;
  title: string;
  enabled: boolean;
  status: 'never_run' | 'ok' | 'partial' | 'failing';
  schedule: string | null;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  lastErrorTag: string | null;
  missing: { what: string; message: string; kind: 'permission' | 'not_applicable' | 'error' }[];
  provides: string[];
  /** vigil.yaml (config) or added through the API (api); null for a source no longer defined. */
  origin: 'config' | 'api' | null;
}

/** GET /api/v1/settings: each SLA and check parameter in force, with where it comes from. */
export type SettingOrigin = 'default' | 'config' | 'override';

export interface SettingField {
  /** As in vigil.yaml; errors name it in `where`. */
  path: string;
  name: string;
  value: unknown;
  origin: SettingOrigin;
  /** What a reset falls back to. */
  base: unknown;
  input: 'number' | 'integer' | 'boolean' | 'string' | 'enum' | 'string-list' | 'json';
  nullable: boolean;
  options?: string[];
  description?: string;
  locked: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface Settings {
  findings: { sla: Record<string, string>; slaAtRisk: number; fields: SettingField[] };
  checks: { id: string; title: string; params: Record<string, unknown>; overridden: string[]; fields: SettingField[] }[];
  evidence: { retention: Record<string, string>; checkpointEvery: string; witnesses: number };
  publicUrl: string | null;
}

export interface SettingsChanged extends Settings {
  changes: { path: string; check?: string; before: { value: unknown; origin: SettingOrigin }; after: { value: unknown; origin: SettingOrigin } }[];
  record: string | null;
  evaluated: { check: string; outcome: string; results: number; changes: number }[];
}

/** GET /api/v1/overview: everything the overview page shows, in one call. */
export interface Overview {
  controls: Record<ControlStatus, number>;
  frameworks: { id: string; name: string; requirements: number; direct: number; supportingOnly: number; uncovered: number; byStatus: Record<ControlStatus, number> }[];
  soc2Categories: { category: string; requirements: number; byStatus: Record<ControlStatus, number> }[];
  soc2Groups: { group: string; title: string; requirements: number; byStatus: Record<ControlStatus, number> }[];
  failingControls: { id: string; title: string; status: 'fail' | 'error'; owner: string | null; ownerRole: string; failingResults: number }[];
  findings: { open: number; bySeverity: { severity: string; on_track: number; at_risk: number; overdue: number; muted: number }[] };
  sources: { name: string; type: string; title: string; status: Source['status']; lastSuccessAt: string | null; lastError: string | null }[];
  trend: { from: string; to: string; controls: number; days: { date: string; passing: number; failing: number; stale: number; no_data: number }[] } | null;
}
