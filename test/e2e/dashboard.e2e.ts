// The dashboard end to end, as people use it: the first admin sets Vigil up from the printed link,
// signs in, follows a failing control to its finding, works the finding, adds and tests a source,
// changes SLAs, check parameters and an alert channel in Settings, and invites an auditor who can
// read but not change anything.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_OKTA_TOKEN } from '../../src/demo/providers/okta.ts';
import { launchBrowser, vigilUnderTest, waitForFindings, type RunningVigil } from './harness.ts';

const ADMIN = { email: 'lead@demo.example', name: 'Lea Lead', password: 'correct horse battery staple' };
const AUDITOR = { email: 'auditor@cpa.example', name: 'Ada Auditor', password: 'auditors read everything' };

let vigil: RunningVigil;
let browser: Browser;
let admin: BrowserContext;
let page: Page;

beforeAll(async () => {
  vigil = await vigilUnderTest();
  browser = await launchBrowser();
  admin = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await admin.newPage();
});

beforeEach((ctx) => {
  // A picture of the page at the moment a test fails says more than the timeout does.
  onTestFailed(async () => {
    const file = join(tmpdir(), `vigil-e2e-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page?.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`screenshot of the failure: ${file}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

async function cookieHeader(ctx: BrowserContext): Promise<string> {
  return (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

describe('the dashboard', () => {
  it('sends everyone to the setup link until the first admin exists', async () => {
    await page.goto(vigil.url);
    await page.getByRole('heading', { name: 'Vigil is waiting for its first admin' }).waitFor();
  });

  it('creates the first admin at the printed setup link, and the link works only once', async () => {
    await page.goto(vigil.setupLink);
    await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
    // The token leaves the address bar as soon as the page has read it.
    expect(page.url()).not.toContain('token=');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Name').fill(ADMIN.name);
    await page.getByLabel('Password', { exact: false }).first().fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();

    const again = await admin.newPage();
    await again.goto(vigil.setupLink);
    await again.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await again.close();
  });

  it('signs out and back in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('shows the demo’s failing controls on the overview', async () => {
    await waitForFindings(vigil.url, await cookieHeader(admin));
    const res = await admin.request.get(`${vigil.url}/api/v1/controls?status=fail`);
    const failing = (await res.json()) as { id: string; title: string }[];
    expect(failing.length).toBeGreaterThan(0);
    await page.reload();
    const card = page.getByRole('region', { name: 'Failing controls' });
    for (const c of failing.slice(0, 5)) await card.getByRole('link', { name: c.title }).waitFor();
    await page.getByRole('region', { name: 'Posture by framework' }).getByRole('link', { name: /SOC 2/ }).waitFor();
    await page.getByRole('region', { name: 'Open findings' }).getByRole('table').waitFor();
  });

  it('drills from a failing control to its finding, then acknowledges and mutes it', async () => {
    const card = page.getByRole('region', { name: 'Failing controls' });
    const first = card.getByRole('listitem').first().getByRole('link');
    const title = (await first.textContent())!;
    await first.click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Operating effectiveness' }).getByText(/days passing/).waitFor();
    await page.getByRole('link', { name: 'Open the finding' }).first().click();
    await page.getByRole('heading', { name: 'What failed and why' }).waitFor();
    const findingUrl = page.url();

    await page.getByRole('button', { name: 'Acknowledge' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Note').fill('Taking this one — ticket SEC-42');
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('region', { name: 'History' }).getByText('Taking this one — ticket SEC-42').waitFor();
    await page.locator('.page-head').getByText('acknowledged').waitFor();

    await page.getByRole('button', { name: 'Mute…' }).click();
    await dialog.getByLabel('Reason').fill('Compensating control: access reviewed weekly');
    await dialog.getByLabel('Approved by').fill('CISO');
    await dialog.getByRole('button', { name: 'Mute' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.page-head').getByText('muted').waitFor();
    await page.getByRole('region', { name: 'Details' }).getByText('Compensating control: access reviewed weekly').waitFor();

    const f = (await (await admin.request.get(findingUrl.replace('/findings/', '/api/v1/findings/'))).json()) as { status: string; mute: { approver: string } };
    expect(f.status).toBe('muted');
    expect(f.mute.approver).toBe('CISO');
  });

  it('uploads evidence for a control and verifies its proof in the browser', async () => {
    const controls = (await (await admin.request.get(`${vigil.url}/api/v1/controls`)).json()) as { id: string; title: string }[];
    const control = controls[0]!;
    await page.goto(`${vigil.url}/controls/${encodeURIComponent(control.id)}`);
    const form = page.getByRole('form', { name: 'Upload evidence' });
    await form.getByLabel('File').setInputFiles({ name: 'access-review-q3.txt', mimeType: 'text/plain', buffer: Buffer.from('Q3 access review: 42 accounts reviewed, 3 removed.') });
    await form.getByLabel('Note').fill('Quarterly access review, signed');
    await form.getByRole('button', { name: 'Upload evidence' }).click();
    await form.getByRole('link', { name: 'open it' }).click();
    await page.getByRole('heading', { name: /^manual/, level: 1 }).waitFor();
    await page.getByRole('link', { name: 'access-review-q3.txt' }).waitFor();
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.getByText('Verified: this record is in the log exactly as shown.').waitFor();
    expect(await page.getByText('failed', { exact: true }).count()).toBe(0);
    // Chromium checks Ed25519 itself; the page must not fall back to "cannot check".
    await page.getByText(/^Ed25519 signature by vigil\.evidence\//).waitFor();
  });

  it('adds a source from its connector’s schema, tests the connection, and sees it listed and collected', async () => {
    const okta = (await (await admin.request.get(`${vigil.url}/api/v1/sources/okta`)).json()) as { config: { baseUrl: string; token: string } };
    // The existing source's secret is masked; its base URL is not.
    expect(okta.config.token).not.toBe(DEMO_OKTA_TOKEN);
    await page.getByRole('link', { name: 'Sources' }).click();
    await page.getByRole('region', { name: /^okta/ }).waitFor();
    await page.getByRole('button', { name: 'Add a source' }).click();
    const form = page.getByRole('region', { name: 'Add a source' });
    await form.getByLabel('Connector').selectOption({ label: 'Okta' });
    await form.getByLabel(/^Name/).fill('okta-eu');
    await form.getByLabel(/^baseUrl/).fill(okta.config.baseUrl);
    const token = form.getByLabel(/^token/);
    expect(await token.getAttribute('type')).toBe('password');
    await token.fill('wrong-token');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form.getByRole('alert').waitFor();
    await token.fill(DEMO_OKTA_TOKEN);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form.getByText(/^Connection works/).waitFor();
    await form.getByRole('button', { name: 'Add source' }).click();
    await page.getByRole('status').getByText('Source “okta-eu” added').waitFor();
    // Listed with the others, stored with its secret encrypted and shown masked.
    const card = page.getByRole('region', { name: /^okta-eu/ });
    await card.getByText('added here').waitFor();
    const stored = (await (await admin.request.get(`${vigil.url}/api/v1/sources/okta-eu`)).json()) as { origin: string; config: { token: string } };
    expect(stored).toMatchObject({ origin: 'api', config: { token: '[REDACTED]' } });
    expect(await page.content()).not.toContain(DEMO_OKTA_TOKEN);
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.getByText(/^Connection works/).waitFor();
    await card.getByRole('button', { name: 'Collect now' }).click();
    await card.getByText('healthy', { exact: true }).waitFor({ timeout: 60_000 });
  });

  it('changes a source added from the dashboard, keeping its secret, and removes it keeping its history', async () => {
    const card = page.getByRole('region', { name: /^okta-eu/ });
    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = card.getByRole('form', { name: 'Edit okta-eu' });
    expect(await edit.getByLabel(/^token/).inputValue()).toBe('');
    await edit.getByLabel(/^Schedule/).fill('PT2H');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    const changed = (await (await admin.request.get(`${vigil.url}/api/v1/sources/okta-eu`)).json()) as { schedule: string };
    expect(changed.schedule).toBe('PT2H');
    // The token was left empty, so the stored one still works.
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.getByText(/^Connection works/).waitFor();
    page.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: 'Remove' }).click();
    await card.getByText('removed: its history is kept').waitFor();
    const gone = (await (await admin.request.get(`${vigil.url}/api/v1/sources/okta-eu`)).json()) as { enabled: boolean; origin: string | null; lastSuccessAt: string | null };
    expect(gone).toMatchObject({ enabled: false, origin: null });
    expect(gone.lastSuccessAt).not.toBeNull();
  });

  it('changes an SLA and a check parameter from Settings, with errors shown at the field, and they stay after a reload', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const slas = page.getByRole('form', { name: 'Remediation SLAs' });
    const high = slas.getByLabel(/^high/);
    expect(await high.inputValue()).toBe('P30D');
    await high.fill('ten days');
    await slas.getByRole('button', { name: 'Save' }).click();
    await slas.getByRole('alert').getByText(/ISO 8601 duration/).waitFor();
    await high.fill('P10D');
    await slas.getByRole('button', { name: 'Save' }).click();
    await slas.getByRole('status').getByText('Saved: high.').waitFor();

    await page.getByLabel('Find a check').fill('access.inactive-accounts');
    await page.getByText('access.inactive-accounts', { exact: true }).click();
    const params = page.getByRole('form', { name: 'Parameters of access.inactive-accounts' });
    await params.getByLabel('maxInactiveDays', { exact: true }).fill('30');
    await params.getByRole('button', { name: 'Save' }).click();
    await params.getByRole('status').getByText(/Judged again: access\.inactive-accounts/).waitFor();

    await page.reload();
    expect(await page.getByRole('form', { name: 'Remediation SLAs' }).getByLabel(/^high/).inputValue()).toBe('P10D');
    await page.getByRole('form', { name: 'Remediation SLAs' }).getByText('changed here').waitFor();
    await page.getByLabel('Find a check').fill('access.inactive-accounts');
    await page.getByText('access.inactive-accounts', { exact: true }).click();
    const again = page.getByRole('form', { name: 'Parameters of access.inactive-accounts' });
    expect(await again.getByLabel('maxInactiveDays', { exact: true }).inputValue()).toBe('30');
    const settings = (await (await admin.request.get(`${vigil.url}/api/v1/settings`)).json()) as { findings: { sla: Record<string, string> }; checks: { id: string; params: Record<string, unknown> }[] };
    expect(settings.findings.sla.high).toBe('P10D');
    expect(settings.checks.find((c) => c.id === 'access.inactive-accounts')!.params.maxInactiveDays).toBe(30);

    // Reset goes back to the default.
    await again.getByRole('button', { name: /^Reset maxInactiveDays/ }).click();
    await again.getByRole('status').getByText('Saved: maxInactiveDays.').waitFor();
    expect(await again.getByLabel('maxInactiveDays', { exact: true }).inputValue()).toBe('90');
  });

  it('edits an alert channel added from the dashboard, keeping its secrets', async () => {
    const channels = page.getByRole('region', { name: 'Alert channels' });
    const add = channels.getByRole('form', { name: 'Add an alert channel' });
    await add.getByLabel(/^Name/).fill('ops-hook');
    await add.getByLabel(/^URL/).fill('https://hooks.example.com/vigil?token=url-secret-value');
    await add.getByLabel(/^Signing secret/).fill('signing-secret-value-0123456789');
    await add.getByRole('button', { name: 'Add channel' }).click();
    await channels.getByRole('button', { name: 'Edit ops-hook' }).click();
    const edit = channels.getByRole('form', { name: 'Edit ops-hook' });
    expect(await edit.getByLabel(/^URL/).inputValue()).toBe('');
    expect(await edit.getByLabel(/^Signing secret/).inputValue()).toBe('');
    await edit.getByLabel(/^Timeout/).fill('5000');
    await edit.getByLabel('finding.sla_breached').check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await channels.getByRole('status').getByText('Channel “ops-hook” saved.').waitFor();
    const list = (await (await admin.request.get(`${vigil.url}/api/v1/alerts/channels`)).json()) as { channels: Record<string, unknown>[] };
    const hook = list.channels.find((c) => c.name === 'ops-hook')!;
    // The URL and secret were left empty: the stored ones are kept (a webhook needs both to be valid).
    expect(hook).toMatchObject({ origin: 'api', timeoutMs: 5000, url: '[REDACTED]', secret: '[REDACTED]' });
    expect((hook.rules as { kinds: string[] }[])[0]!.kinds).toEqual(expect.arrayContaining(['finding.opened', 'source.failing', 'finding.sla_breached']));
    const html = await page.content();
    expect(html).not.toContain('url-secret-value');
    expect(html).not.toContain('signing-secret-value');
  });

  it('lets an invited auditor read the audit period but change nothing', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const users = page.getByRole('region', { name: 'Users and roles' });
    await users.locator('form').getByLabel('Email').fill(AUDITOR.email);
    await users.locator('form').getByLabel('Name').fill(AUDITOR.name);
    await users.locator('form').getByLabel(/^Role/).selectOption('auditor');
    await users.getByRole('button', { name: 'Create invitation' }).click();
    const link = (await users.getByLabel('Invitation link').textContent())!.trim();

    const periods = page.getByRole('region', { name: 'Audit periods' });
    await periods.getByLabel('Name').fill('SOC 2 Type II — demo year');
    await periods.getByLabel(AUDITOR.name).check();
    await periods.getByRole('button', { name: 'Create audit period' }).click();
    await periods.getByText('SOC 2 Type II — demo year').waitFor();

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const auditor = await ctx.newPage();
    await auditor.goto(`${vigil.url}${new URL(link).pathname}${new URL(link).hash}`);
    await auditor.getByLabel('Password').fill(AUDITOR.password);
    await auditor.getByRole('button', { name: 'Set password and sign in' }).click();
    await auditor.getByRole('heading', { name: 'Overview' }).waitFor();
    await auditor.getByText('auditor', { exact: true }).waitFor();
    // Operations (sources) are not for auditors.
    expect(await auditor.getByRole('link', { name: 'Sources' }).count()).toBe(0);

    await auditor.getByRole('link', { name: 'Findings' }).click();
    await auditor.getByRole('heading', { name: 'Findings', level: 1 }).waitFor();
    await auditor.getByRole('table').getByRole('link').first().click();
    await auditor.getByRole('heading', { name: 'What failed and why' }).waitFor();
    expect(await auditor.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await auditor.getByRole('checkbox').count()).toBe(0);

    // And the server refuses the change even when asked directly, with a valid CSRF token.
    const id = auditor.url().split('/findings/')[1]!;
    const csrf = (await ctx.cookies()).find((c) => c.name === 'vigil_csrf')!.value;
    const r = await ctx.request.post(`${vigil.url}/api/v1/findings/${id}/acknowledge`, { headers: { 'x-csrf-token': csrf }, data: {} });
    expect(r.status()).toBe(403);

    await auditor.getByRole('link', { name: 'Settings' }).click();
    await auditor.getByRole('region', { name: 'Audit periods' }).getByText('SOC 2 Type II — demo year').waitFor();
    expect(await auditor.getByRole('region', { name: 'Users and roles' }).count()).toBe(0);
    await ctx.close();
  });
});
