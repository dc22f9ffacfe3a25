/**
 * The demo company's incidents, derived deterministically from the org model: ~20 PagerDuty
 * incidents over the 12 months before the anchor and a couple in the 30 days after, paged to the
 * engineers employed at the time, and — for the high-severity ones (P1, P2) — the Jira incident
 * ticket PagerDuty's Jira integration raised, its postmortem and its corrective actions. One
 * incident-response tabletop exercise is recorded in Jira. The timeline does not depend on "now":
 * a later clock only reveals more of it (the simulated providers filter by time).
 *
 * Baselines the non-planted incidents meet (the incident checks' defaults): P1 acknowledged within
 * 15 minutes and resolved within 4 hours, P2 within 30 minutes and 24 hours, other high-urgency
 * incidents within 30 minutes and 48 hours, low urgency within 4 hours and 5 days; a postmortem
 * within 5 days of resolution; corrective actions closed before their due dates.
 *
 * Planted (exported as `incidentPlanted`): two high-urgency incidents acknowledged late, one
 * resolved late, one high-severity incident that never got a postmortem, and one postmortem whose
 * corrective action is still open past its due date.
 */
import { createHash } from 'node:crypto';
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import { createRng } from '../org/rng.ts';
import { employedAt, type DemoOrg, type Person } from '../org/org.ts';

const MINUTE_MS = 60_000;
const hash = (...parts: (string | number)[]) => createHash('sha1').update(parts.join(':')).digest('hex');

export interface DemoService {
  id: string;
  name: string;
}

export const demoServices: DemoService[] = [
  { id: 'PSVCAPI', name: 'API gateway' },
  { id: 'PSVCWEB', name: 'Web app' },
  { id: 'PSVCAUT', name: 'Auth service' },
  { id: 'PSVCBIL', name: 'Billing' },
  { id: 'PSVCDAT', name: 'Data pipeline' },
  { id: 'PSVCINF', name: 'Infrastructure' },
];

export interface DemoNote {
  at: Date;
  author: Person;
  content: string;
}

export interface DemoCorrectiveAction {
  key: string;
  summary: string;
  assignee: Person;
  createdAt: Date;
  startedAt: Date;
  dueDate: string;
  resolvedAt: Date | null;
}

export interface DemoTicket {
  key: string;
  createdAt: Date;
  /** Jira moves to In Progress when PagerDuty is acknowledged, to Resolved when it resolves. */
  startedAt: Date | null;
  resolvedAt: Date | null;
  rootCause: string;
  rootCauseAt: Date | null;
  postmortemUrl: string;
  /** When the postmortem field was filled in; null: never (the planted one). */
  postmortemAt: Date | null;
  /** Closed once the postmortem is written. */
  closedAt: Date | null;
  correctiveActions: DemoCorrectiveAction[];
}

export interface DemoIncident {
  id: string;
  number: number;
  title: string;
  service: DemoService;
  urgency: 'high' | 'low';
  priority: 'P1' | 'P2' | 'P3' | null;
  createdAt: Date;
  responder: Person;
  /** When the first responder was paged again by the escalation policy (late acknowledgements). */
  escalatedAt: Date | null;
  acknowledgedAt: Date | null;
  resolvedAt: Date;
  /** Auto-resolved by the monitoring integration (no acknowledgement). */
  autoResolved: boolean;
  notes: DemoNote[];
  ticket: DemoTicket | null;
}

export interface DemoExercise {
  key: string;
  summary: string;
  owner: Person;
  createdAt: Date;
  startedAt: Date;
  resolvedAt: Date;
}

export type IncidentPlanted =
  | { kind: 'incident-acknowledged-late'; incidentId: string; number: number; createdAt: Date; minutes: number }
  | { kind: 'incident-resolved-late'; incidentId: string; number: number; createdAt: Date; hours: number }
  | { kind: 'incident-without-postmortem'; incidentId: string; number: number; ticket: string; resolvedAt: Date }
  | { kind: 'corrective-action-overdue'; incidentId: string; number: number; ticket: string; action: string; dueDate: string };

export interface DemoIncidents {
  incidents: DemoIncident[];
  exercise: DemoExercise;
  planted: IncidentPlanted[];
}

const titles: Record<string, string[]> = {
  'API gateway': ['5xx rate above 2 % on the public API', 'p99 latency above 3 s on /v1/orders', 'API pods crash-looping after deploy'],
  'Web app': ['Checkout page fails to load for EU users', 'Static assets 404 after CDN purge', 'Login form spinner never returns'],
  'Auth service': ['Token refresh failing for mobile clients', 'SSO callbacks timing out', 'Elevated 401s after key rotation'],
  Billing: ['Invoice run stuck for the nightly batch', 'Card payments declined by the gateway client', 'Duplicate charges on retry'],
  'Data pipeline': ['Ingest lag above 30 minutes', 'Warehouse load failing on schema drift', 'Kafka consumer group stalled'],
  Infrastructure: ['Disk above 90 % on db-primary', 'NAT gateway packet loss in eu-west-1', 'Certificate expiring in 3 days on api.demo-corp.example'],
};

const rootCauses = [
  'A configuration change shipped without a canary stage; the new value disabled the connection pool.',
  'A dependency upgrade changed a retry default to zero and no contract test covered it.',
  'An expired credential was not on the rotation calendar.',
  'A batch job held a table lock during peak traffic after a schedule change.',
  'Capacity alarms were set above the point where the service degrades.',
];

const actionTemplates = [
  'Add a canary stage to the deploy pipeline of the {service}',
  'Add an alert on connection-pool saturation for the {service}',
  'Add a contract test for the {service} client upgrade',
  'Put every {service} credential on the rotation calendar',
  'Lower the capacity alarm thresholds of the {service}',
  'Write a runbook for this failure mode of the {service}',
];

const day = (d: Date) => d.toISOString().slice(0, 10);

/** People who can be paged at time t: engineers and security engineers employed then. */
function onCallAt(org: DemoOrg, t: Date): Person[] {
  return org.people.filter((p) => p.github && (p.department === 'Engineering' || p.department === 'Security') && employedAt(p, t) && p.startDate.getTime() < t.getTime() - 30 * DAY_MS);
}

export function deriveIncidents(org: DemoOrg): DemoIncidents {
  const rng = createRng(0x1c1de27);
  const span = org.horizon.getTime() - org.periodStart.getTime();
  const count = 22;
  // Planted choices, by position in time (all well inside the 12 months before the anchor).
  const ackLate = new Map([
    [6, 52],
    [13, 47],
  ]);
  const resolveLate = 9;
  const noPostmortem = 11;
  const overdueAction = 4;
  const priorities: DemoIncident['priority'][] = ['P2', 'P3', 'P1', null, 'P2', 'P3', 'P2', null, 'P3', 'P2', 'P3', 'P1', null, 'P3', 'P2', 'P3', null, 'P1', 'P3', 'P2', null, 'P2'];
  const incidents: DemoIncident[] = [];
  const planted: IncidentPlanted[] = [];

  for (let i = 0; i < count; i++) {
    const base = org.periodStart.getTime() + Math.floor(((i + 0.5) / count) * span);
    const createdAt = new Date(Math.floor(base / HOUR_MS) * HOUR_MS + rng.int(0, 23) * HOUR_MS + rng.int(0, 59) * MINUTE_MS + rng.int(0, 59) * 1000);
    const priority = priorities[i]!;
    const urgency: DemoIncident['urgency'] = priority === null ? 'low' : i === 13 || priority !== 'P3' ? 'high' : rng.chance(0.5) ? 'high' : 'low';
    const service = demoServices[rng.int(0, demoServices.length - 1)]!;
    const candidates = onCallAt(org, createdAt);
    const responder = candidates[rng.int(0, candidates.length - 1)]!;
    const number = 1000 + i + 1;
    const id = `Q${hash('pd-incident', number).slice(0, 6).toUpperCase()}`;
    const title = titles[service.name]![rng.int(0, 2)]!;

    // On-time response, well inside the targets; the planted ones are late on purpose.
    const ackMinutes = ackLate.get(i) ?? (urgency === 'low' ? rng.int(10, 90) : rng.int(2, 12));
    const resolveHours =
      i === resolveLate ? 31.5 : priority === 'P1' ? rng.int(1, 3) + 0.25 : priority === 'P2' ? rng.int(2, 12) : urgency === 'high' ? rng.int(2, 30) : rng.int(4, 72);
    const autoResolved = priority === null && i % 2 === 0 && ackMinutes > 30;
    const acknowledgedAt = autoResolved ? null : new Date(createdAt.getTime() + ackMinutes * MINUTE_MS + rng.int(0, 59) * 1000);
    const resolvedAt = autoResolved ? new Date(createdAt.getTime() + rng.int(8, 25) * MINUTE_MS) : new Date(createdAt.getTime() + resolveHours * HOUR_MS);
    // A high-urgency page not acknowledged within the escalation timeout (30 min) escalates.
    const escalatedAt = urgency === 'high' && acknowledgedAt && acknowledgedAt.getTime() - createdAt.getTime() > 30 * MINUTE_MS ? new Date(createdAt.getTime() + 30 * MINUTE_MS) : null;
    const notes: DemoNote[] = acknowledgedAt
      ? [
          { at: new Date(acknowledgedAt.getTime() + 6 * MINUTE_MS), author: responder, content: `Investigating: ${title.toLowerCase()}. Checking the last deploy and the dashboards.` },
          { at: new Date(resolvedAt.getTime() - 2 * MINUTE_MS), author: responder, content: 'Mitigated; error rates back to baseline. Monitoring.' },
        ]
      : [];

    let ticket: DemoTicket | null = null;
    if (priority === 'P1' || priority === 'P2') {
      const postmortemAt = i === noPostmortem ? null : new Date(resolvedAt.getTime() + rng.int(24, 100) * HOUR_MS);
      const actions: DemoCorrectiveAction[] = [];
      if (postmortemAt) {
        const n = priority === 'P1' ? 2 : 1;
        for (let k = 0; k < n; k++) {
          const createdA = new Date(postmortemAt.getTime() + (10 + k * 5) * MINUTE_MS);
          const due = new Date(Math.floor(postmortemAt.getTime() / DAY_MS) * DAY_MS + rng.int(14, 28) * DAY_MS);
          const open = i === overdueAction && k === n - 1;
          actions.push({
            key: '',
            summary: actionTemplates[rng.int(0, actionTemplates.length - 1)]!.replace('{service}', service.name),
            assignee: candidates[rng.int(0, candidates.length - 1)]!,
            createdAt: createdA,
            startedAt: new Date(createdA.getTime() + 2 * DAY_MS),
            dueDate: day(due),
            // Closed a few days before the due date; the planted one never is.
            resolvedAt: open ? null : new Date(due.getTime() - rng.int(2, 9) * DAY_MS + rng.int(9, 17) * HOUR_MS),
          });
        }
      }
      ticket = {
        key: '',
        createdAt: new Date(createdAt.getTime() + 2 * MINUTE_MS),
        startedAt: acknowledgedAt ? new Date(acknowledgedAt.getTime() + MINUTE_MS) : null,
        resolvedAt: new Date(resolvedAt.getTime() + 2 * MINUTE_MS),
        rootCause: rootCauses[rng.int(0, rootCauses.length - 1)]!,
        rootCauseAt: postmortemAt ? new Date(postmortemAt.getTime() - 5 * MINUTE_MS) : null,
        postmortemUrl: `https://wiki.demo-corp.example/postmortems/${day(createdAt)}-${number}`,
        postmortemAt,
        closedAt: postmortemAt ? new Date(postmortemAt.getTime() + 5 * MINUTE_MS) : null,
        correctiveActions: actions,
      };
    }
    incidents.push({ id, number, title, service, urgency, priority, createdAt, responder, escalatedAt, acknowledgedAt, resolvedAt, autoResolved, notes, ticket });
  }

  const owner = org.people.find((p) => p.department === 'Security')!;
  const exerciseStart = new Date(org.anchor.getTime() - 150 * DAY_MS + 9 * HOUR_MS);
  const exercise: DemoExercise = {
    key: '',
    summary: 'Incident response tabletop: ransomware on the billing database',
    owner,
    createdAt: exerciseStart,
    startedAt: new Date(exerciseStart.getTime() + 7 * DAY_MS),
    resolvedAt: new Date(exerciseStart.getTime() + 10 * DAY_MS + 6 * HOUR_MS),
  };

  // Jira numbers issues in creation order, so keys do not depend on when anyone looks.
  const keyed: { createdAt: Date; set(key: string): void }[] = [
    ...incidents.flatMap((inc) => (inc.ticket ? [{ createdAt: inc.ticket.createdAt, set: (k: string) => void (inc.ticket!.key = k) }] : [])),
    ...incidents.flatMap((inc) => (inc.ticket?.correctiveActions ?? []).map((a) => ({ createdAt: a.createdAt, set: (k: string) => void (a.key = k) }))),
    { createdAt: exercise.createdAt, set: (k: string) => void (exercise.key = k) },
  ];
  keyed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).forEach((x, n) => x.set(`OPS-${101 + n}`));

  for (const [i, minutes] of ackLate) {
    const inc = incidents[i]!;
    planted.push({ kind: 'incident-acknowledged-late', incidentId: inc.id, number: inc.number, createdAt: inc.createdAt, minutes });
  }
  const late = incidents[resolveLate]!;
  planted.push({ kind: 'incident-resolved-late', incidentId: late.id, number: late.number, createdAt: late.createdAt, hours: 31.5 });
  const missing = incidents[noPostmortem]!;
  planted.push({ kind: 'incident-without-postmortem', incidentId: missing.id, number: missing.number, ticket: missing.ticket!.key, resolvedAt: missing.resolvedAt });
  const overdue = incidents[overdueAction]!;
  const open = overdue.ticket!.correctiveActions.find((a) => a.resolvedAt === null)!;
  planted.push({ kind: 'corrective-action-overdue', incidentId: overdue.id, number: overdue.number, ticket: overdue.ticket!.key, action: open.key, dueDate: open.dueDate });
  return { incidents, exercise, planted };
}

const cache = new WeakMap<DemoOrg, DemoIncidents>();

/** The org's incidents (derived once per org). */
export function incidentsOf(org: DemoOrg): DemoIncidents {
  let found = cache.get(org);
  if (!found) {
    found = deriveIncidents(org);
    cache.set(org, found);
  }
  return found;
}

/** The planted incident failures, for tests that assert Vigil finds exactly these. */
export const incidentPlanted = (org: DemoOrg): IncidentPlanted[] => incidentsOf(org).planted;

/**
 * The planted failures that show by time t: a late acknowledgement or resolution once it happened,
 * a missing postmortem once its 5 days are up, an open corrective action once its due date passed.
 */
export function incidentPlantedBy(org: DemoOrg, t: Date): IncidentPlanted[] {
  return incidentPlanted(org).filter((f) => {
    switch (f.kind) {
      case 'incident-acknowledged-late':
        return f.createdAt.getTime() + f.minutes * MINUTE_MS <= t.getTime();
      case 'incident-resolved-late':
        return f.createdAt.getTime() + f.hours * HOUR_MS <= t.getTime();
      case 'incident-without-postmortem':
        return f.resolvedAt.getTime() + 5 * DAY_MS < t.getTime();
      case 'corrective-action-overdue':
        return Date.parse(`${f.dueDate}T00:00:00Z`) + DAY_MS <= t.getTime();
    }
  });
}
