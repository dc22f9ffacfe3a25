/**
 * The demo organization: a deterministic ~150-person company over the 12 months before an anchor
 * day, plus 30 days after it, so the company keeps living while Vigil runs (a simulated provider
 * serves only what has happened by the clock's "now"). Failures are planted on purpose and listed
 * in `planted`, so tests can assert that Vigil finds exactly those and no others.
 *
 * This module is the single ground truth; each simulated provider (src/demo/providers/) renders
 * its own API from it.
 */
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import { createRng } from './rng.ts';
import { departments, firstNames, lastNames, repoNames } from './names.ts';
import { plantedSecurityAlerts } from './security-alerts.ts';

export const DEMO_DOMAIN = 'demo-corp.example';

export interface OktaAccount {
  id: string;
  login: string;
  created: Date;
  activated: Date;
  /** When the account was deactivated (DEPROVISIONED), if ever. */
  deactivatedAt: Date | null;
  lastLogin: Date | null;
  mfa: boolean;
  superAdmin: boolean;
}

export interface GitHubMembership {
  login: string;
  id: number;
  role: 'admin' | 'member';
  twoFactor: boolean;
  joinedAt: Date;
  removedAt: Date | null;
}

export interface Person {
  employeeId: string;
  email: string;
  name: string;
  department: string;
  title: string;
  managerEmail: string | null;
  startDate: Date;
  terminationDate: Date | null;
  okta: OktaAccount;
  github: GitHubMembership | null;
}

export interface Repo {
  id: number;
  name: string;
  defaultBranch: string;
  createdAt: Date;
  protection: null | {
    requiredReviews: number;
    dismissStale: boolean;
    allowForcePushes: boolean;
    enforceAdmins: boolean;
    requiredChecks: string[];
  };
}

export interface PullRequest {
  repo: string;
  number: number;
  title: string;
  author: string;
  createdAt: Date;
  mergedAt: Date;
  mergedBy: string;
  reviews: { reviewer: string; state: 'APPROVED' | 'COMMENTED' | 'CHANGES_REQUESTED'; submittedAt: Date }[];
  checks: { name: string; conclusion: 'success' | 'failure'; completedAt: Date }[];
}

export type Planted =
  | { kind: 'leaver-deprovisioned-late'; email: string; terminatedAt: Date; deactivatedAt: Date }
  | { kind: 'leaver-still-active'; email: string; terminatedAt: Date; system: 'okta' | 'github' }
  | { kind: 'mfa-missing'; system: 'okta' | 'github'; account: string }
  | { kind: 'inactive-account'; email: string; lastLogin: Date }
  | { kind: 'orphan-account'; login: string }
  | { kind: 'provisioned-too-early'; email: string; created: Date; startDate: Date }
  | { kind: 'pr-without-independent-approval'; repo: string; number: number }
  | { kind: 'pr-merged-with-failing-checks'; repo: string; number: number }
  | { kind: 'branch-unprotected'; repo: string }
  | {
      kind: 'vulnerability-alert-past-sla';
      tool: 'dependabot' | 'code-scanning';
      repo: string;
      severity: 'critical' | 'high' | 'medium' | 'low';
      createdAt: Date;
      dueAt: Date;
      fixedAt: Date | null;
      /** A dismissal that does not close it (e.g. "won't fix"), if any. */
      dismissedAs: string | null;
    };

export interface DemoOrg {
  anchor: Date;
  periodStart: Date;
  horizon: Date;
  people: Person[];
  /** Identity-provider accounts with no HR record. */
  orphans: OktaAccount[];
  repos: Repo[];
  pullRequests: PullRequest[];
  planted: Planted[];
}

const day = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
const at = (d: Date, hours: number) => new Date(day(d).getTime() + hours * HOUR_MS);

export function createDemoOrg(options: { anchor: Date; seed?: number }): DemoOrg {
  const rng = createRng(options.seed ?? 20261126);
  const anchor = day(options.anchor);
  const periodStart = new Date(anchor.getTime() - 365 * DAY_MS);
  const horizon = new Date(anchor.getTime() + 30 * DAY_MS);
  const used = new Set<string>();
  let seq = 0;

  function newPerson(startDate: Date, dept: (typeof departments)[number], title?: string): Person {
    let first: string, last: string, email: string;
    do {
      first = rng.pick(firstNames);
      last = rng.pick(lastNames);
      email = `${first}.${last}`.toLowerCase() + `@${DEMO_DOMAIN}`;
    } while (used.has(email));
    used.add(email);
    seq++;
    const created = new Date(at(startDate, 0).getTime() - 2 * DAY_MS + rng.int(9, 17) * HOUR_MS);
    return {
      employeeId: `E${String(1000 + seq)}`,
      email,
      name: `${first} ${last}`,
      department: dept.name,
      title: title ?? rng.pick(dept.titles),
      managerEmail: null,
      startDate: day(startDate),
      terminationDate: null,
      okta: {
        id: `00u${(seq * 7919).toString(36).padStart(6, '0')}demo`,
        login: email,
        created,
        activated: at(startDate, 8),
        deactivatedAt: null,
        lastLogin: null,
        mfa: true,
        superAdmin: false,
      },
      github:
        dept.name === 'Engineering' || dept.name === 'Security'
          ? {
              login: `${first}${last}`.toLowerCase().replace(/[^a-z0-9]/g, '') + `-${seq}`,
              id: 5_000_000 + seq,
              role: 'member',
              twoFactor: true,
              joinedAt: at(startDate, 10),
              removedAt: null,
            }
          : null,
    };
  }

  const people: Person[] = [];
  const weighted = departments.flatMap((d) => Array.from({ length: Math.round(d.share * 100) }, () => d));
  // The executives and a security team exist from the start.
  const exec = departments.find((d) => d.name === 'Executive')!;
  const sec = departments.find((d) => d.name === 'Security')!;
  const founding = (years: number) => new Date(periodStart.getTime() - years * 365 * DAY_MS - rng.int(0, 300) * DAY_MS);
  for (const t of ['CEO', 'CTO', 'CFO']) people.push(newPerson(founding(4), exec, t));
  for (let i = 0; i < 3; i++) people.push(newPerson(founding(2), sec));
  while (people.length < 140) people.push(newPerson(founding(rng.int(0, 3)), rng.pick(weighted)));
  // Joiners over the period and the 30 days after the anchor (some still in the future).
  const span = horizon.getTime() - periodStart.getTime();
  for (let i = 0; i < 32; i++) {
    const start = new Date(periodStart.getTime() + Math.floor(((i + 0.5) / 32) * span));
    people.push(newPerson(start, rng.pick(weighted)));
  }
  // Managers: the CEO manages executives; everyone else reports to someone senior in their department.
  const ceo = people[0]!;
  for (const p of people) {
    if (p === ceo) continue;
    const senior = people.find((q) => q !== p && q.department === p.department && q.startDate < p.startDate);
    p.managerEmail = (p.department === 'Executive' || !senior ? ceo : senior).email;
  }

  // Leavers: spread over the period and beyond; the protected first six never leave.
  const candidates = people.slice(6).filter((p) => p.startDate.getTime() < horizon.getTime() - 60 * DAY_MS);
  const leavers: Person[] = [];
  for (let i = 0; i < 24; i++) {
    const p = candidates[Math.floor(((i * 0.61803) % 1) * candidates.length)]!;
    if (leavers.includes(p)) continue;
    const earliest = Math.max(p.startDate.getTime() + 45 * DAY_MS, periodStart.getTime());
    const t = earliest + Math.floor(((i + 0.5) / 24) * (horizon.getTime() - earliest));
    p.terminationDate = day(new Date(t));
    // Normal offboarding: the account is deactivated the same evening.
    p.okta.deactivatedAt = at(p.terminationDate, 17 + rng.int(0, 3));
    if (p.github) p.github.removedAt = at(p.terminationDate, 18);
    leavers.push(p);
  }

  // Activity: everyone employed signs in regularly.
  for (const p of people) p.okta.lastLogin = lastLoginFor(p, anchor, rng.int(0, 3));

  // Admins.
  people[1]!.okta.superAdmin = true; // CTO
  people[3]!.okta.superAdmin = true;
  people[4]!.okta.superAdmin = true;
  if (people[1]!.github) people[1]!.github.role = 'admin';
  people[3]!.github!.role = 'admin';

  // ---- Planted failures (deterministic choices, each recorded) ----
  const planted: Planted[] = [];
  const pastLeavers = leavers.filter((p) => p.terminationDate! < new Date(anchor.getTime() - 20 * DAY_MS));
  const late = [3, 5, 9];
  late.forEach((days, i) => {
    const p = pastLeavers[i * 3]!;
    p.okta.deactivatedAt = new Date(at(p.terminationDate!, 18).getTime() + days * DAY_MS);
    planted.push({ kind: 'leaver-deprovisioned-late', email: p.email, terminatedAt: p.terminationDate!, deactivatedAt: p.okta.deactivatedAt });
  });
  const never = pastLeavers[10]!;
  never.okta.deactivatedAt = null;
  planted.push({ kind: 'leaver-still-active', email: never.email, terminatedAt: never.terminationDate!, system: 'okta' });
  const ghLeaver = pastLeavers.find((p, i) => i > 10 && p.github && p !== never)!;
  ghLeaver.github!.removedAt = null;
  planted.push({ kind: 'leaver-still-active', email: ghLeaver.email, terminatedAt: ghLeaver.terminationDate!, system: 'github' });

  const current = people.filter((p) => p.startDate <= anchor && (!p.terminationDate || p.terminationDate > anchor));
  for (const p of [current[20]!, current[45]!, current[77]!, current[101]!]) {
    p.okta.mfa = false;
    planted.push({ kind: 'mfa-missing', system: 'okta', account: p.okta.login });
  }
  const currentEngineers = current.filter((p) => p.github && p.github.role === 'member');
  for (const p of [currentEngineers[7]!, currentEngineers[23]!]) {
    p.github!.twoFactor = false;
    planted.push({ kind: 'mfa-missing', system: 'github', account: p.github!.login });
  }
  for (const p of [current[30]!, current[64]!]) {
    p.okta.lastLogin = new Date(anchor.getTime() - 120 * DAY_MS + 10 * HOUR_MS);
    planted.push({ kind: 'inactive-account', email: p.email, lastLogin: p.okta.lastLogin });
  }
  const pastJoiners = people.filter((p) => p.startDate > periodStart && p.startDate < anchor && !p.terminationDate);
  const early = pastJoiners[4]!;
  early.okta.created = new Date(early.startDate.getTime() - 30 * DAY_MS + 10 * HOUR_MS);
  planted.push({ kind: 'provisioned-too-early', email: early.email, created: early.okta.created, startDate: early.startDate });

  const orphan: OktaAccount = {
    id: '00uorphan0demo',
    login: `contractor.temp@${DEMO_DOMAIN}`,
    created: new Date(anchor.getTime() - 200 * DAY_MS),
    activated: new Date(anchor.getTime() - 200 * DAY_MS + HOUR_MS),
    deactivatedAt: null,
    lastLogin: new Date(anchor.getTime() - 2 * DAY_MS),
    mfa: true,
    superAdmin: false,
  };
  planted.push({ kind: 'orphan-account', login: orphan.login });

  // ---- Code: repositories and merged pull requests ----
  const repos: Repo[] = repoNames.map((name, i) => ({
    id: 700_000 + i,
    name,
    defaultBranch: 'main',
    createdAt: new Date(periodStart.getTime() - (400 + i * 30) * DAY_MS),
    protection:
      name === 'legacy-scripts'
        ? null
        : { requiredReviews: 1, dismissStale: true, allowForcePushes: false, enforceAdmins: true, requiredChecks: ['ci'] },
  }));
  planted.push({ kind: 'branch-unprotected', repo: 'legacy-scripts' });
  // GitHub security alerts past their remediation SLA (security-alerts.ts; no random draw).
  planted.push(...plantedSecurityAlerts({ anchor, people }));

  const pullRequests: PullRequest[] = [];
  const numbers = new Map<string, number>();
  for (let t = periodStart.getTime(); t < horizon.getTime(); t += DAY_MS) {
    const d = new Date(t);
    const weekday = d.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const devs = people.filter((p) => p.github && p.startDate <= d && (!p.terminationDate || p.terminationDate > d));
    const n = rng.int(0, 3);
    for (let k = 0; k < n; k++) {
      const repo = rng.pick(repos.filter((r) => r.name !== 'legacy-scripts'));
      const author = rng.pick(devs);
      let reviewer = rng.pick(devs);
      if (reviewer === author) reviewer = devs[(devs.indexOf(author) + 1) % devs.length]!;
      const number = (numbers.get(repo.name) ?? 100) + 1;
      numbers.set(repo.name, number);
      const created = at(d, 9 + rng.int(0, 4));
      const approved = new Date(created.getTime() + rng.int(1, 5) * HOUR_MS);
      const merged = new Date(approved.getTime() + rng.int(10, 90) * 60_000);
      pullRequests.push({
        repo: repo.name,
        number,
        title: `${rng.pick(['Fix', 'Add', 'Refactor', 'Update', 'Remove'])} ${rng.pick(['retry logic', 'billing export', 'login flow', 'metrics', 'rate limiter', 'schema', 'docs', 'alerts'])}`,
        author: author.github!.login,
        createdAt: created,
        mergedAt: merged,
        mergedBy: author.github!.login,
        reviews: [{ reviewer: reviewer.github!.login, state: 'APPROVED', submittedAt: approved }],
        checks: [{ name: 'ci', conclusion: 'success', completedAt: new Date(created.getTime() + 20 * 60_000) }],
      });
    }
  }
  // The live tail: on the anchor day a merge every 20 minutes, every seventh without an approval,
  // so someone watching the demo sees findings open as the day goes on.
  const liveDevs = people.filter((p) => p.github && employedAt(p, anchor));
  for (let k = 0, t = anchor.getTime() + 20 * 60_000; t < anchor.getTime() + DAY_MS; t += 20 * 60_000, k++) {
    const repo = repos.filter((r) => r.name !== 'legacy-scripts')[k % 7]!;
    const author = liveDevs[(k * 5) % liveDevs.length]!;
    const reviewer = liveDevs[(k * 5 + 3) % liveDevs.length]!;
    const number = (numbers.get(repo.name) ?? 100) + 1;
    numbers.set(repo.name, number);
    const mergedAt = new Date(t);
    const created = new Date(t - 90 * 60_000);
    pullRequests.push({
      repo: repo.name,
      number,
      title: `Live change ${k + 1}`,
      author: author.github!.login,
      createdAt: created,
      mergedAt,
      mergedBy: author.github!.login,
      reviews: k % 7 === 6 ? [] : [{ reviewer: reviewer.github!.login, state: 'APPROVED', submittedAt: new Date(t - 30 * 60_000) }],
      checks: [{ name: 'ci', conclusion: 'success', completedAt: new Date(created.getTime() + 20 * 60_000) }],
    });
    if (k % 7 === 6) planted.push({ kind: 'pr-without-independent-approval', repo: repo.name, number });
  }
  pullRequests.sort((a, b) => a.mergedAt.getTime() - b.mergedAt.getTime() || a.repo.localeCompare(b.repo) || a.number - b.number);

  const pastPrs = pullRequests.filter((p) => p.mergedAt < anchor);
  for (const i of [17, 140, 260, 333]) {
    const pr = pastPrs[i]!;
    // One of them was looked at but never approved; the others had no review at all.
    pr.reviews = i === 140 ? [{ ...pr.reviews[0]!, state: 'COMMENTED' }] : [];
    planted.push({ kind: 'pr-without-independent-approval', repo: pr.repo, number: pr.number });
  }
  for (const i of [88, 301]) {
    const pr = pastPrs[i]!;
    pr.checks = [{ name: 'ci', conclusion: 'failure', completedAt: new Date(pr.createdAt.getTime() + 20 * 60_000) }];
    planted.push({ kind: 'pr-merged-with-failing-checks', repo: pr.repo, number: pr.number });
  }

  return { anchor, periodStart, horizon, people, orphans: [orphan], repos, pullRequests, planted };
}

function lastLoginFor(p: Person, anchor: Date, hoursAgo: number): Date | null {
  const end = p.terminationDate && p.terminationDate < anchor ? p.terminationDate : anchor;
  if (p.startDate > anchor) return null;
  return new Date(end.getTime() - (hoursAgo + 6) * HOUR_MS);
}

/** Is the person employed at time t (HR's view)? */
export const employedAt = (p: Person, t: Date) => p.startDate <= t && (!p.terminationDate || p.terminationDate > t);

/** The planted failures that have happened by time t (the org keeps living after its anchor). */
export function plantedBy(org: DemoOrg, t: Date): Planted[] {
  return org.planted.filter((f) => {
    switch (f.kind) {
      case 'leaver-deprovisioned-late':
      case 'leaver-still-active':
        return f.terminatedAt <= t;
      case 'provisioned-too-early':
        return f.created <= t;
      case 'pr-without-independent-approval':
      case 'pr-merged-with-failing-checks':
        return org.pullRequests.some((p) => p.repo === f.repo && p.number === f.number && p.mergedAt <= t);
      case 'vulnerability-alert-past-sla':
        // A failure once past due (the check fails strictly after the due moment), and in the 365-day period.
        return f.dueAt < t && (!f.fixedAt || f.fixedAt.getTime() >= t.getTime() - 365 * DAY_MS);
      default:
        return true;
    }
  });
}
