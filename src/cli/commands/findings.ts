import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { severities, type Severity } from '../../core/config/schema.ts';
import { findingStatuses, type FindingRow, type FindingStatus } from '../../db/schema/findings.ts';
import { invalidInput } from '../../lib/errors.ts';
import { optionsOf, withApp } from '../context.ts';
import { findingView } from '../../core/findings.ts';
import { emit, table } from '../output.ts';

/** Who did it, for the finding's history and the evidence log. */
const actor = () => `cli:${process.env.VIGIL_ACTOR ?? userInfo().username}`;

const list = (v: string | undefined, allowed: readonly string[], flag: string) => {
  if (!v) return undefined;
  const items = v.split(',').map((s) => s.trim());
  const bad = items.find((i) => !allowed.includes(i));
  if (bad) throw invalidInput(`${flag} must be one or more of ${allowed.join(', ')} (comma-separated), got "${bad}"`, { where: flag });
  return items;
};

export const findingJson = findingView;

function parseUntil(v: string, now: Date): Date {
  const rel = /^(\d+)([dw])$/.exec(v);
  if (rel) return new Date(now.getTime() + Number(rel[1]) * (rel[2] === 'w' ? 7 : 1) * 86_400_000);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw invalidInput(`--until must be a date (2027-03-31) or a span (30d, 6w), got "${v}"`, { where: '--until' });
  return d;
}

export function register(program: Command): void {
  const findings = program
    .command('findings')
    .description('the work queue: failures with owner, severity and SLA due date')
    .option('--status <list>', `comma-separated: ${findingStatuses.join(', ')} (default: open,acknowledged,muted)`)
    .option('--owner <owner>', 'only this owner')
    .option('--severity <list>', `comma-separated: ${severities.join(', ')}`)
    .option('--control <id>', 'only findings of checks testing this control')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ status?: string; owner?: string; severity?: string; control?: string }>(cmd);
      const status = (list(opts.status, findingStatuses, '--status') ?? ['open', 'acknowledged', 'muted']) as FindingStatus[];
      const severity = list(opts.severity, severities, '--severity') as Severity[] | undefined;
      await withApp(opts, async (app) => {
        const rows = await app.monitor.findings.list(app.workspace.id, {
          status,
          ...(opts.owner ? { owner: opts.owner } : {}),
          ...(severity ? { severity } : {}),
          ...(opts.control ? { control: opts.control } : {}),
        });
        const now = app.clock.now();
        emit(opts, rows.map(findingJson), (fs) =>
          fs.length
            ? table(
                ['ID', 'SEVERITY', 'STATUS', 'DUE', 'OWNER', 'CHECK', 'RESOURCE'],
                fs.map((f) => [f.id, f.severity, f.status, new Date(f.dueAt) < now ? `${f.dueAt.slice(0, 10)} OVERDUE` : f.dueAt.slice(0, 10), f.owner ?? '-', f.check, f.resource]),
              )
            : 'no findings match',
        );
      });
    });

  findings
    .command('show <id>')
    .description('one finding: what failed, why, how to fix it, and its history')
    .action(async (id: string, _o, cmd: Command) => {
      const opts = optionsOf(cmd);
      await withApp(opts, async (app) => {
        const f = await app.monitor.findings.get(app.workspace.id, id);
        const history = await app.monitor.findings.history(app.workspace.id, id);
        const data = { ...findingJson(f), history: history.map((h) => ({ at: h.at.toISOString(), actor: h.actor, action: h.action, from: h.fromStatus, to: h.toStatus, note: h.note, evidence: h.evidenceId })) };
        emit(opts, data, (d) =>
          [
            `${d.id}  ${d.severity.toUpperCase()}  ${d.status}`,
            `${d.title}`,
            `resource:    ${d.resource}`,
            `why:         ${d.reason}`,
            `fix:         ${d.remediation ?? '-'}`,
            `owner:       ${d.owner ?? '-'}   due ${d.dueAt}`,
            `controls:    ${d.controls.join(', ')}`,
            '',
            'history:',
            ...d.history.map((h) => `  ${h.at}  ${h.action.padEnd(12)} ${h.actor}${h.note ? ` — ${h.note}` : ''}`),
          ].join('\n'),
        );
      });
    });

  findings
    .command('ack <id>')
    .description('acknowledge an open finding (someone is on it)')
    .option('--note <text>', 'why, or what is being done')
    .action(async (id: string, _o, cmd: Command) => {
      const opts = optionsOf<{ note?: string }>(cmd);
      await withApp(opts, async (app) => {
        const f = await app.monitor.findings.acknowledge(app.workspace.id, id, actor(), opts.note);
        emit(opts, findingJson(f as FindingRow), (d) => `${d.id} acknowledged`);
      });
    });

  findings
    .command('assign <id>')
    .description('give a finding to an owner')
    .requiredOption('--owner <owner>', 'the new owner (email or team)')
    .action(async (id: string, _o, cmd: Command) => {
      const opts = optionsOf<{ owner: string }>(cmd);
      await withApp(opts, async (app) => {
        const f = await app.monitor.findings.assign(app.workspace.id, id, opts.owner, actor());
        emit(opts, findingJson(f as FindingRow), (d) => `${d.id} assigned to ${d.owner}`);
      });
    });

  findings
    .command('mute <id>')
    .description('accept the risk for a while: needs a reason, an approver and an expiry; still not a pass')
    .requiredOption('--reason <text>', 'why the risk is accepted')
    .requiredOption('--approver <who>', 'who approved it')
    .requiredOption('--until <date|span>', 'when the mute expires: a date (2027-03-31) or a span (30d, 6w); at most one year')
    .action(async (id: string, _o, cmd: Command) => {
      const opts = optionsOf<{ reason: string; approver: string; until: string }>(cmd);
      await withApp(opts, async (app) => {
        const expiresAt = parseUntil(opts.until, app.clock.now());
        const f = await app.monitor.findings.mute(app.workspace.id, id, { reason: opts.reason, approver: opts.approver, expiresAt }, actor());
        emit(opts, findingJson(f as FindingRow), (d) => `${d.id} muted until ${d.mute?.expiresAt}`);
      });
    });
}
