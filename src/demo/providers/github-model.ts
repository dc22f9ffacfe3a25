/**
 * What the demo company's GitHub organization looks like at a moment, derived deterministically
 * from the org model: members (with their SAML identity), outside collaborators, repositories,
 * merged pull requests with reviews and checks, the default-branch history those merges made,
 * security alerts and the audit log. Nothing after `now` exists yet.
 *
 * Extras the org model does not hold are derived here: commit shas (hashes of the pull request),
 * the squash-merge history of each default branch, two outside collaborators, routine Dependabot and
 * code scanning alerts that are always fixed within two days — beside them the alerts the org plants
 * (src/demo/org/security-alerts.ts: past their SLA, fixed late, dismissed) — and audit events for
 * memberships and repositories.
 */
import { createHash } from 'node:crypto';
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import type { DemoOrg, Planted, PullRequest, Repo } from '../org/org.ts';
import { securityAlertPlan, type DemoAlertPlan } from '../org/security-alerts.ts';

export const DEMO_GITHUB_ORG = 'demo-corp';
export const DEMO_GITHUB_ORG_ID = 4_200_001;
export const DEMO_GITHUB_TOKEN = 'demo-github-token-7b1e9c04';

export const sha = (...parts: (string | number)[]) => createHash('sha1').update(parts.join(':')).digest('hex');

export interface GhMember {
  login: string;
  id: number;
  role: 'admin' | 'member';
  twoFactor: boolean;
  email: string;
}

export function membersAt(org: DemoOrg, now: Date): GhMember[] {
  return org.people
    .filter((p) => p.github && p.github.joinedAt <= now && (!p.github.removedAt || p.github.removedAt > now))
    .map((p) => ({ login: p.github!.login, id: p.github!.id, role: p.github!.role, twoFactor: p.github!.twoFactor, email: p.email }))
    .sort((a, b) => a.id - b.id);
}

export interface GhCollaborator {
  login: string;
  id: number;
  twoFactor: boolean;
  since: Date;
}

/** Two contractors with access to a repository each; both use two-factor. */
export function outsideCollaboratorsAt(org: DemoOrg, now: Date): GhCollaborator[] {
  const all = [
    { login: 'pentest-partner-ops', id: 7_100_001, twoFactor: true, since: new Date(org.periodStart.getTime() + 40 * DAY_MS) },
    { login: 'mobile-agency-dev', id: 7_100_002, twoFactor: true, since: new Date(org.periodStart.getTime() + 150 * DAY_MS) },
  ];
  return all.filter((c) => c.since <= now);
}

export const reposAt = (org: DemoOrg, now: Date): Repo[] => org.repos.filter((r) => r.createdAt <= now);

export const fullName = (repo: string) => `${DEMO_GITHUB_ORG}/${repo}`;
export const headSha = (pr: PullRequest) => sha(pr.repo, pr.number, 'head');
export const mergeSha = (pr: PullRequest) => sha(pr.repo, pr.number, 'merge');
export const rootSha = (repo: Repo) => sha(repo.name, 'initial');
/** A pull request's last activity: a few minutes after the merge (the branch is deleted). */
export const updatedAt = (pr: PullRequest) => new Date(pr.mergedAt.getTime() + 5 * 60_000);

/** Merged pull requests of one repository by now, the most recently updated first. */
export function mergedPullsAt(org: DemoOrg, repo: string, now: Date): PullRequest[] {
  return org.pullRequests.filter((p) => p.repo === repo && p.mergedAt <= now).sort((a, b) => b.mergedAt.getTime() - a.mergedAt.getTime() || b.number - a.number);
}

export interface GhCommit {
  sha: string;
  parent: string | null;
  author: string | null;
  date: Date;
  message: string;
  pull: number | null;
}

/** The default branch, newest first: a squash commit per merged pull request on an initial commit. */
export function defaultBranchAt(org: DemoOrg, repo: Repo, now: Date): GhCommit[] {
  const pulls = mergedPullsAt(org, repo.name, now).reverse();
  const commits: GhCommit[] = [{ sha: rootSha(repo), parent: null, author: null, date: repo.createdAt, message: 'Initial commit', pull: null }];
  for (const p of pulls) commits.push({ sha: mergeSha(p), parent: commits.at(-1)!.sha, author: p.author, date: p.mergedAt, message: `${p.title} (#${p.number})`, pull: p.number });
  return commits.reverse();
}

export interface GhAlert {
  repo: string;
  number: number;
  createdAt: Date;
  /** When it is fixed; null: never. */
  fixedAt: Date | null;
  dismissed: DemoAlertPlan['dismissed'];
  severity: 'critical' | 'high' | 'medium' | 'low';
  /** Index into the advisory or rule lists below. */
  kind: number;
  /** One of the org's planted alerts (security-alerts.ts), not a routine one. */
  planted: boolean;
}

const severities = ['high', 'medium', 'critical', 'low'] as const;

/** Routine alerts every so often per scanned repository, each fixed within hours, and the planted ones; numbered per repository in order of creation. */
function alerts(org: DemoOrg, tool: DemoAlertPlan['tool'], everyDays: number, fixHours: number, offsetDays: number): GhAlert[] {
  const out: Omit<GhAlert, 'number'>[] = [];
  org.repos.forEach((repo, i) => {
    if (!repo.protection) return; // the legacy scripts repository is not scanned
    let n = 0;
    for (let t = org.periodStart.getTime() + (offsetDays + i * 7) * DAY_MS; t < org.horizon.getTime(); t += everyDays * DAY_MS) {
      n++;
      out.push({ repo: repo.name, createdAt: new Date(t + 10 * HOUR_MS), fixedAt: new Date(t + (10 + fixHours) * HOUR_MS), dismissed: null, severity: severities[(n + i) % 4]!, kind: (n + i) % 3, planted: false });
    }
  });
  for (const a of securityAlertPlan(org)) {
    if (a.tool === tool) out.push({ repo: a.repo, createdAt: a.createdAt, fixedAt: a.fixedAt, dismissed: a.dismissed, severity: a.severity, kind: a.kind, planted: true });
  }
  out.sort((a, b) => a.repo.localeCompare(b.repo) || a.createdAt.getTime() - b.createdAt.getTime());
  const numbers = new Map<string, number>();
  return out.map((a) => {
    const number = (numbers.get(a.repo) ?? 0) + 1;
    numbers.set(a.repo, number);
    return { ...a, number };
  });
}

export const dependabotAlerts = (org: DemoOrg) => alerts(org, 'dependabot', 45, 40, 3);
export const codeScanningAlerts = (org: DemoOrg) => alerts(org, 'code-scanning', 90, 20, 11);

/** An alert's state at `now`, as GitHub would show it. */
export function alertStateAt(a: GhAlert, now: Date): { state: 'open' | 'fixed' | 'dismissed'; fixedAt: Date | null; dismissed: GhAlert['dismissed'] } {
  if (a.fixedAt && a.fixedAt <= now) return { state: 'fixed', fixedAt: a.fixedAt, dismissed: null };
  if (a.dismissed && a.dismissed.at <= now) return { state: 'dismissed', fixedAt: null, dismissed: a.dismissed };
  return { state: 'open', fixedAt: null, dismissed: null };
}

/** The result a planted alert failure shows as in vulnerability.remediation-sla (the demo's GitHub source is named `github`). */
export function plantedAlertResource(org: DemoOrg, f: Extract<Planted, { kind: 'vulnerability-alert-past-sla' }>): string {
  const list = f.tool === 'dependabot' ? dependabotAlerts(org) : codeScanningAlerts(org);
  const a = list.find((x) => x.planted && x.repo === f.repo && x.createdAt.getTime() === f.createdAt.getTime());
  if (!a) throw new Error(`the planted ${f.tool} alert of ${f.repo} created ${f.createdAt.toISOString()} is not in the GitHub model`);
  return `vulnerabilities/github/${fullName(a.repo)}/${f.tool}/${a.number}`;
}

export const advisories = [
  { ghsa: 'GHSA-8f4m-hccc-8qph', cve: 'CVE-2021-20191', pkg: 'ansible', ecosystem: 'pip', manifest: 'requirements.txt', summary: 'Insertion of Sensitive Information into Log File in ansible' },
  { ghsa: 'GHSA-grv7-fg5c-xmjg', cve: 'CVE-2024-4068', pkg: 'braces', ecosystem: 'npm', manifest: 'package-lock.json', summary: 'Uncontrolled resource consumption in braces' },
  { ghsa: 'GHSA-9wx4-h78v-vm56', cve: 'CVE-2024-35195', pkg: 'requests', ecosystem: 'pip', manifest: 'requirements.txt', summary: 'Requests Session object does not verify requests after making first request with verify=False' },
] as const;

export const scanRules = [
  { id: 'js/sql-injection', description: 'Database query built from user-controlled sources', path: 'src/db/query.ts' },
  { id: 'js/path-injection', description: 'Uncontrolled data used in path expression', path: 'src/files/download.ts' },
  { id: 'js/missing-rate-limiting', description: 'Missing rate limiting', path: 'src/server/routes.ts' },
] as const;

export interface GhAuditEvent {
  id: string;
  at: Date;
  action: string;
  actor: string;
  user?: string;
  repo?: string;
  extra?: Record<string, unknown>;
}

/** Membership and repository events, oldest first (an Enterprise Cloud organization). */
export function auditEvents(org: DemoOrg, now: Date): GhAuditEvent[] {
  const admin = org.people.find((p) => p.github?.role === 'admin')!.github!.login;
  const out: GhAuditEvent[] = [];
  for (const p of org.people) {
    if (!p.github) continue;
    out.push({ id: '', at: p.github.joinedAt, action: 'org.add_member', actor: admin, user: p.github.login, extra: { permission: p.github.role === 'admin' ? 'admin' : 'read' } });
    if (p.github.removedAt) out.push({ id: '', at: p.github.removedAt, action: 'org.remove_member', actor: admin, user: p.github.login });
  }
  for (const r of org.repos) {
    out.push({ id: '', at: r.createdAt, action: 'repo.create', actor: admin, repo: fullName(r.name), extra: { visibility: 'private' } });
    if (r.protection) out.push({ id: '', at: new Date(r.createdAt.getTime() + HOUR_MS), action: 'protected_branch.create', actor: admin, repo: fullName(r.name), extra: { name: r.defaultBranch } });
  }
  return out
    .filter((e) => e.at <= now)
    .map((e) => ({ ...e, id: Buffer.from(sha(e.action, e.at.getTime(), e.user ?? e.repo ?? '')).toString('base64url').slice(0, 22) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}
