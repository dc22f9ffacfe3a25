/**
 * The simulated providers of the demo organization. Each renders one provider's real API (paths,
 * pagination, error shapes, as the provider documents them) from the org model, as of the clock's
 * "now", and names the source it feeds. Add a provider here when its connector lands.
 */
import type { Hono } from 'hono';
import type { Clock } from '../../lib/clock.ts';
import type { DemoOrg } from '../org/org.ts';
import { bamboohrDemoProvider, hrCsvDemoProvider } from './hr.ts';
import { oktaProvider } from './okta.ts';
import { githubProvider } from './github.ts';
import { awsProvider } from './aws.ts';
import { pagerdutyProvider } from './pagerduty.ts';
import { jiraProvider } from './jira.ts';
import { googleWorkspaceProvider } from './google-workspace.ts';
import { prometheusDemoProvider, statusProvider } from './status.ts';
import { trainingDemoProvider } from './training.ts';
import { scannerDemoProviders } from './scanners.ts';
import { gitDemoProvider } from './git.ts';

export interface DemoProvider {
  /** URL prefix on the demo server, e.g. `okta` → http://127.0.0.1:PORT/okta */
  name: string;
  app(org: DemoOrg, clock: Clock): Hono;
  /** Write whatever a file-based source reads (e.g. an HR export), inside `dataDir`. */
  prepare?(org: DemoOrg, clock: Clock, dataDir: string): Promise<void> | void;
  /** The source entry for the demo workspace (baseUrl is filled in by the demo server). */
  source(baseUrl: string): { name: string; type: string; schedule?: string; config: Record<string, unknown> };
}

export const demoProviders: DemoProvider[] = [
  oktaProvider,
  bamboohrDemoProvider,
  hrCsvDemoProvider,
  githubProvider,
  awsProvider,
  pagerdutyProvider,
  jiraProvider,
  googleWorkspaceProvider,
  statusProvider,
  prometheusDemoProvider,
  trainingDemoProvider,
  ...scannerDemoProviders,
  gitDemoProvider,
];
