/**
 * The monitoring commands as a user runs them: a vigil.yaml pointing okta, github and hris-csv
 * sources at servers and a file (the demo's simulated providers), then `vigil collect`,
 * `vigil check --json --fail-on high`, `vigil findings --json` and the finding actions — and the
 * same commands forwarded to a running `vigil start` on the embedded database.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { fixedClock } from '../../lib/clock.ts';
import { createDemoOrg, plantedBy } from '../../demo/org/org.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { oktaProvider } from '../../demo/providers/okta.ts';
import { githubProvider } from '../../demo/providers/github.ts';
import { createHrCsvDemoProvider } from '../../demo/providers/hr.ts';
import { openApp } from '../../core/app.ts';
import { testDbKind } from '../../db/testing.ts';
import { cliProject, runCli, type CliProject } from '../testing.ts';
import { forwardToRunning, serveCli } from '../remote.ts';
import { main } from '../main.ts';

// The providers serve the company as of this time; Vigil itself runs on the real clock.
const anchor = new Date(new Date().toISOString().slice(0, 10));
const org = createDemoOrg({ anchor });
let server: DemoServer;
let project: CliProject;

beforeAll(async () => {
  project = await cliProject();
  server = await startDemoServer(org, fixedClock(new Date()), {
    providers: [oktaProvider, githubProvider, createHrCsvDemoProvider(join(project.dir, 'hr-export.csv'))],
    dataDir: project.dir,
  });
  // JSON is YAML: the sources exactly as the demo would configure them.
  project.writeConfig(`sources: ${JSON.stringify(server.sources.map((s) => ({ ...s, http: { requestsPerSecond: 1000 } })))}\n`);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await project?.close();
});

interface ResultJson {
  check: string;
  controls: string[];
  resource: string;
  status: string;
  reason: string;
  severity: string;
}
interface FindingJson {
  id: string;
  check: string;
  resource: string;
  severity: string;
  status: string;
  owner: string | null;
  openedAt: string;
  dueAt: string;
}

describe(`vigil collect, check and findings (${testDbKind()})`, () => {
  it('collects every source and reports their health', async () => {
    const collected = await runCli(['-c', project.config, 'collect', '--json']);
    expect(collected.err).toBe('');
    expect(collected.code).toBe(0);
    const { sources } = JSON.parse(collected.out) as { sources: { source: string; status: string }[] };
    expect(sources.map((s) => [s.source, s.status])).toEqual(server.sources.map((s) => [s.name, 'ok']));
    const health = JSON.parse((await runCli(['-c', project.config, 'sources', '--json'])).out) as { name: string; status: string; lastSuccessAt: string }[];
    expect(health.every((s) => s.status === 'ok' && s.lastSuccessAt)).toBe(true);
  }, 120_000);

  it('check --json reports the users without MFA, the late leavers and the unapproved merges, and --fail-on high exits 1', async () => {
    const run = await runCli(['-c', project.config, 'check', '--json', '--fail-on', 'high']);
    expect(run.code).toBe(1);
    const results = JSON.parse(run.out) as ResultJson[];
    for (const r of results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['check', 'controls', 'resource', 'status', 'reason', 'severity']));
    }
    const failing = (check: string) => results.filter((r) => r.check === check && r.status === 'fail');
    const now = new Date();
    const planted = plantedBy(org, now);
    expect(failing('access.mfa-idp')).toHaveLength(planted.filter((p) => p.kind === 'mfa-missing' && p.system === 'okta').length);
    expect(failing('access.leaver-deprovisioned')).toHaveLength(planted.filter((p) => p.kind === 'leaver-deprovisioned-late' || p.kind === 'leaver-still-active').length);
    expect(failing('change.pr-independent-approval')).toHaveLength(planted.filter((p) => p.kind === 'pr-without-independent-approval').length);
    for (const r of failing('access.leaver-deprovisioned')) expect(r.reason).toMatch(/after the termination|still/);
    // --fail-on critical only trips on critical failures (the leavers still active are critical).
    expect((await runCli(['-c', project.config, 'check', '--json', '--fail-on', 'critical'])).code).toBe(1);
    const bad = await runCli(['-c', project.config, 'check', '--fail-on', 'urgent']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--fail-on must be one of');
  }, 120_000);

  it('findings --json gives each finding its owner and due date; ack and mute work it, muted failures stop gating CI', async () => {
    const list = JSON.parse((await runCli(['-c', project.config, 'findings', '--json'])).out) as FindingJson[];
    expect(list.length).toBeGreaterThan(5);
    for (const f of list) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['id', 'check', 'resource', 'severity', 'status', 'owner', 'openedAt', 'dueAt']));
      expect(f.owner).toBeTruthy();
      expect(new Date(f.dueAt) > new Date(f.openedAt)).toBe(true);
    }
    const target = list.find((f) => f.check === 'access.mfa-idp')!;
    expect((await runCli(['-c', project.config, 'findings', 'ack', target.id, '--note', 'on it'])).code).toBe(0);
    const muted = await runCli(['-c', project.config, 'findings', 'mute', target.id, '--reason', 'hardware key on order', '--approver', 'ciso@demo-corp.example', '--until', '14d', '--json']);
    expect(muted.code).toBe(0);
    expect(JSON.parse(muted.out)).toMatchObject({ id: target.id, status: 'muted', mute: { approver: 'ciso@demo-corp.example' } });
    const shown = JSON.parse((await runCli(['-c', project.config, 'findings', 'show', target.id, '--json'])).out) as { history: { action: string }[] };
    expect(shown.history.map((h) => h.action)).toEqual(['opened', 'acknowledged', 'muted']);
    const results = JSON.parse((await runCli(['-c', project.config, 'check', '--json'])).out) as (ResultJson & { muted: boolean })[];
    const r = results.find((x) => x.check === target.check && x.resource === target.resource)!;
    expect(r).toMatchObject({ status: 'fail', muted: true }); // still failing, never a pass
    const missing = await runCli(['-c', project.config, 'findings', 'ack', 'fnd_nope']);
    expect(missing.code).toBe(4);
    const unknown = await runCli(['-c', project.config, 'findings', 'show', 'fnd_nope']);
    expect(unknown.code).toBe(4);
    expect(unknown.err).toContain('no finding fnd_nope');
  }, 120_000);

  it.runIf(!process.env.TEST_DATABASE_URL)('forwards a command to the running instance that holds the embedded database', async () => {
    const app = await openApp({ path: project.config });
    const socket = await serveCli(app, main);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      // Opening the data folder a second time is refused…
      const direct = await openApp({ path: project.config }).then(
        async (a) => {
          await a.close();
          return 'opened';
        },
        (e: Error) => e.message,
      );
      expect(direct).toMatch(/in use by another Vigil process/);
      // …but the command reaches the running process and prints the same as it would here.
      const code = await forwardToRunning(app.loaded.dataDir, ['-c', project.config, 'findings', '--json']);
      expect(code).toBe(0);
      const forwarded = JSON.parse(writes.join('')) as FindingJson[];
      expect(forwarded.length).toBeGreaterThan(5);
    } finally {
      spy.mockRestore();
      socket.close();
      await app.close();
    }
  }, 120_000);
});

describe(`vigil sources test (${testDbKind()})`, () => {
  it('proves the credentials with one request, and names the source when they are wrong', async () => {
    const ok = await runCli(['-c', project.config, 'sources', 'test', 'okta', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ source: 'okta', ok: true });
    expect(ok.out).not.toContain(String((server.sources.find((s) => s.name === 'okta')!.config as { token: string }).token));
    const unknown = await runCli(['-c', project.config, 'sources', 'test', 'nope']);
    expect(unknown.code).toBe(4);
    expect(unknown.err).toContain('no source named "nope"');
  }, 60_000);
});
