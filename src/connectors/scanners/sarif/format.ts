/**
 * SARIF 2.1.0 (OASIS): the results of code scanners such as CodeQL and Semgrep, and of any tool
 * that writes it. Each run's tool, its invocations (their end time is the scan's time; a run whose
 * invocations all failed is not a scan and is left out), the repository it analysed
 * (versionControlProvenance), and its results — passed, not-applicable, suppressed and
 * absent-from-baseline results are not findings.
 */
import { z } from 'zod';
import { PathProblem, finding, timeOf, type FormatScan, defineFormat } from '../scan-file.ts';
import { severityFromScore, type FindingRow, type FindingSeverity } from '../scan-row.ts';

const text = z.looseObject({ text: z.string().optional() });

const rule = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  shortDescription: text.optional(),
  helpUri: z.string().optional(),
  defaultConfiguration: z.looseObject({ level: z.string().optional() }).optional(),
  properties: z.looseObject({ 'security-severity': z.union([z.string(), z.number()]).optional() }).optional(),
});

const toolComponent = z.looseObject({
  name: z.string().min(1),
  version: z.string().optional(),
  semanticVersion: z.string().optional(),
  rules: z.array(rule).nullish(),
});

const result = z.looseObject({
  ruleId: z.string().optional(),
  ruleIndex: z.number().int().optional(),
  rule: z.looseObject({ id: z.string().optional(), index: z.number().int().optional(), toolComponent: z.looseObject({ index: z.number().int().optional() }).optional() }).optional(),
  kind: z.string().optional(),
  level: z.string().optional(),
  message: text.optional(),
  locations: z
    .array(
      z.looseObject({
        physicalLocation: z
          .looseObject({
            artifactLocation: z.looseObject({ uri: z.string().optional() }).optional(),
            region: z.looseObject({ startLine: z.number().int().optional() }).optional(),
          })
          .optional(),
      }),
    )
    .nullish(),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
  fingerprints: z.record(z.string(), z.string()).optional(),
  suppressions: z.array(z.looseObject({ status: z.string().optional() })).nullish(),
  baselineState: z.string().optional(),
});

const run = z.looseObject({
  tool: z.looseObject({ driver: toolComponent, extensions: z.array(toolComponent).nullish() }),
  invocations: z.array(z.looseObject({ executionSuccessful: z.boolean(), endTimeUtc: z.string().optional() })).nullish(),
  versionControlProvenance: z.array(z.looseObject({ repositoryUri: z.string() })).nullish(),
  results: z.array(result).nullish(),
});

export const sarifLog = z.looseObject(
  {
    version: z.literal('2.1.0', { error: 'version must be "2.1.0" (SARIF 2.1.0 is the version Vigil reads)' }),
    runs: z.array(run),
  },
  { error: 'expected a SARIF 2.1.0 log: an object with version "2.1.0" and runs' },
);

type SarifLog = z.output<typeof sarifLog>;
type Run = z.output<typeof run>;
type Result = z.output<typeof result>;
type Rule = z.output<typeof rule>;

const levelSeverity: Record<string, FindingSeverity> = { error: 'high', warning: 'medium', note: 'low', none: 'info' };

/** Results that are not open problems: passed, not applicable, informational, suppressed, gone since the baseline. */
function isOpen(r: Result): boolean {
  if (r.kind && !['fail', 'open', 'review'].includes(r.kind)) return false;
  if (r.baselineState === 'absent') return false;
  // A suppression without a status is accepted (SARIF 2.1.0 §3.35.3); rejected ones do not count.
  if ((r.suppressions ?? []).some((s) => s.status === undefined || s.status === 'accepted')) return false;
  return true;
}

function ruleOf(run: Run, r: Result): Rule | undefined {
  const ext = r.rule?.toolComponent?.index;
  const rules = (ext === undefined ? run.tool.driver.rules : run.tool.extensions?.[ext]?.rules) ?? [];
  const index = r.rule?.index ?? r.ruleIndex;
  if (index !== undefined && rules[index]) return rules[index];
  const id = r.ruleId ?? r.rule?.id;
  return rules.find((x) => x.id === id);
}

function severityOf(r: Result, rule: Rule | undefined): FindingSeverity {
  const s = rule?.properties?.['security-severity'];
  const score = s === undefined || s === '' ? NaN : Number(s);
  if (Number.isFinite(score)) return severityFromScore(score);
  return levelSeverity[r.level ?? rule?.defaultConfiguration?.level ?? 'warning'] ?? 'medium';
}

const repository = (uri: string) => uri.trim().replace(/\.git$/, '').replace(/\/+$/, '');

function toFinding(run: Run, r: Result, path: (string | number)[]): FindingRow {
  const rule = ruleOf(run, r);
  const ruleId = r.ruleId ?? r.rule?.id ?? rule?.id;
  if (!ruleId) throw new PathProblem(path, 'a result names no rule (ruleId, rule.id or ruleIndex)');
  const physical = r.locations?.[0]?.physicalLocation;
  const uri = physical?.artifactLocation?.uri ?? null;
  const line = physical?.region?.startLine;
  // Fingerprints follow a result when lines move; the line is the fall-back identity.
  const print = r.partialFingerprints?.primaryLocationLineHash ?? Object.values(r.partialFingerprints ?? {})[0] ?? Object.values(r.fingerprints ?? {})[0];
  const where = uri ? `${uri}${print ? `#${print}` : line ? `:${line}` : ''}` : print ? `#${print}` : '';
  return finding({
    key: `${ruleId}${where ? ` ${where}` : ''}`,
    kind: 'code',
    advisory: ruleId,
    location: uri ? `${uri}${line ? `:${line}` : ''}` : null,
    severity: severityOf(r, rule),
    title: r.message?.text?.split(/\r?\n/, 1)[0]?.trim() || rule?.shortDescription?.text || ruleId,
    url: rule?.helpUri ?? null,
  });
}

function toScans(doc: SarifLog): FormatScan[] {
  const scans: FormatScan[] = [];
  doc.runs.forEach((run, i) => {
    const invocations = run.invocations ?? [];
    if (invocations.length && invocations.every((inv) => !inv.executionSuccessful)) return;
    const driver = run.tool.driver;
    const ends = invocations.filter((inv) => inv.executionSuccessful).map((inv, k) => timeOf(inv.endTimeUtc, ['runs', i, 'invocations', k, 'endTimeUtc']));
    const times = ends.filter((t): t is Date => t !== null);
    const repo = run.versionControlProvenance?.[0]?.repositoryUri;
    scans.push({
      target: repo ? repository(repo) : driver.name,
      targetType: repo ? 'repository' : null,
      scanner: [driver.name, driver.semanticVersion ?? driver.version].filter(Boolean).join(' '),
      scannedAt: times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : null,
      findings: (run.results ?? []).flatMap((r, k) => (isOpen(r) ? [toFinding(run, r, ['runs', i, 'results', k])] : [])),
    });
  });
  if (doc.runs.length && !scans.length) {
    throw new PathProblem(['runs', 0, 'invocations'], 'every run says its execution failed (executionSuccessful: false): a failed analysis is not a scan, so nothing is imported');
  }
  return scans;
}

export const sarifFormat = defineFormat<SarifLog>({
  id: 'sarif',
  title: 'SARIF 2.1.0',
  layout: 'document',
  schema: sarifLog,
  toScans,
  defaultTarget: 'sarif',
  fileName: /\.(sarif|sarif\.json|json)$/i,
});
