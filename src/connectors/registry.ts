/**
 * The connectors Vigil ships, by type (the `type` of a source in vigil.yaml). A connector lives in
 * `src/connectors/<id>/` and is added here; registry.test.ts fails when a folder is not listed or
 * its generated page in docs/connectors/ is missing. `_template` is never listed.
 */
import { VigilError } from '../lib/errors.ts';
import type { AnyConnector } from './sdk/index.ts';
import { aws } from './aws/index.ts';
import { bamboohr } from './bamboohr/index.ts';
import { git } from './git/index.ts';
import { github } from './github/index.ts';
import { googleWorkspace } from './google-workspace/index.ts';
import { hrisCsv } from './hris-csv/index.ts';
import { httpProbe } from './http-probe/index.ts';
import { jira } from './jira/index.ts';
import { okta } from './okta/index.ts';
import { pagerduty } from './pagerduty/index.ts';
import { postgresBackup } from './postgres-backup/index.ts';
import { prometheus } from './prometheus/index.ts';
import { trainingCsv } from './training-csv/index.ts';
import { scannerConnectors } from './scanners/index.ts';

export const connectors: readonly AnyConnector[] = [
  aws,
  bamboohr,
  git,
  github,
  googleWorkspace,
  hrisCsv,
  httpProbe,
  jira,
  okta,
  pagerduty,
  postgresBackup,
  prometheus,
  trainingCsv,
  // trivy, grype, osv-scanner, sarif, ocsf: one family in src/connectors/scanners/<type>/
  ...Object.values(scannerConnectors),
];

export function connectorTypes(): string[] {
  return connectors.map((c) => c.id).sort();
}

/** The connector for a source's `type`; an unknown type is a config error listing the known ones. */
export function getConnector(type: string): AnyConnector {
  const found = connectors.find((c) => c.id === type);
  if (found) return found;
  const known = connectorTypes();
  throw new VigilError('InvalidConfig', `unknown connector type "${type}"`, {
    hint: known.length ? `known types: ${known.join(', ')}` : 'no connectors are registered yet',
    details: { type, known },
  });
}
