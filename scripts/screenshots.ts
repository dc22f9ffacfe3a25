/**
 * Regenerate docs/screenshots/*.png: start the demo (as `npm start` would, in a temporary folder),
 * set up the first admin through the printed link, wait for the first findings, and photograph the
 * main pages at laptop size, plus the overview at phone size.
 *
 *   node bin/run-ts.js scripts/screenshots.ts
 *
 * VIGIL_URL and VIGIL_SETUP_LINK point it at a Vigil already running instead (before its setup).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, startVigil, waitForFindings, waitForSources } from '../test/e2e/harness.ts';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const ADMIN = { email: 'lead@demo.example', name: 'Lea Lead', password: 'screenshots only, not a real password' };

/** Pages taller than this many screens are photographed to the first screen only. */
const FIRST_SCREEN = new Set(['controls', 'findings', 'frameworks', 'overview-phone']);

async function shoot(page: Page, name: string, ready: () => Promise<unknown>) {
  await ready();
  // Let charts and live-status settle so the picture is stable.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}${name}.png`, fullPage: !FIRST_SCREEN.has(name) });
  console.log(`docs/screenshots/${name}.png`);
}

async function main() {
  mkdirSync(out, { recursive: true });
  const own = process.env.VIGIL_URL ? undefined : await startVigil();
  const url = own?.url ?? process.env.VIGIL_URL!;
  const setupLink = own?.setupLink ?? process.env.VIGIL_SETUP_LINK!;
  const browser = await launchBrowser();
  try {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    await page.goto(setupLink);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Name').fill(ADMIN.name);
    await page.getByLabel('Password', { exact: false }).first().fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await waitForSources(url, cookie);
    await waitForFindings(url, cookie);
    // The evaluation after the last collection takes a moment more.
    await page.waitForTimeout(3000);
    await page.reload();

    await shoot(page, 'overview', () => page.getByRole('region', { name: 'Trend' }).locator('svg').waitFor());
    await page.getByRole('link', { name: 'Controls' }).click();
    await shoot(page, 'controls', () => page.getByRole('table').waitFor());
    await page.getByRole('table').getByRole('link').first().click();
    await shoot(page, 'control', () => page.getByText(/days passing/).waitFor());
    await page.getByRole('link', { name: 'Findings', exact: true }).click();
    await shoot(page, 'findings', () => page.getByRole('table').waitFor());
    await page.getByRole('table').getByRole('link').first().click();
    await shoot(page, 'finding', () => page.getByRole('heading', { name: 'History' }).waitFor());
    await page.getByRole('link', { name: 'Evidence', exact: true }).click();
    await page.getByRole('table').waitFor();
    await page.getByLabel('Kind').selectOption('check.result');
    await page.getByRole('table').getByRole('link').first().click();
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await shoot(page, 'evidence', () => page.getByText(/^Verified|^Verification failed/).waitFor());
    await page.getByRole('link', { name: 'Sources' }).click();
    await shoot(page, 'sources', () => page.getByRole('region', { name: /^okta/ }).waitFor());
    await page.goto(`${url}/frameworks/soc2`);
    await shoot(page, 'frameworks', () => page.getByRole('heading', { name: 'Coverage' }).waitFor());
    await page.getByRole('link', { name: 'Settings' }).click();
    await shoot(page, 'settings', () => page.getByRole('heading', { name: 'SLAs and check parameters' }).waitFor());

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, storageState: await ctx.storageState() });
    const p2 = await phone.newPage();
    await p2.goto(url);
    await shoot(p2, 'overview-phone', () => p2.getByRole('heading', { name: 'Failing controls' }).waitFor());
  } finally {
    await browser.close();
    await own?.stop();
  }
}

await main();
