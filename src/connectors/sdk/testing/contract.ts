/**
 * `describeConnectorContract(connector, options)`: the tests every connector runs, from its own
 * test file, against its recorded fixtures. One happy-path collection is run once and judged
 * several ways; each failure mode then gets its own fresh fixture server.
 */
import { beforeAll, describe, it } from 'vitest';
import type { AnyConnector } from '../define.ts';
import { hasSecretFields } from '../schema-meta.ts';
import {
  checkCompleteCollection,
  checkConnection,
  checkNoAlwaysEmptyFields,
  checkPagination,
  checkRowsMatchSchemas,
  checkSchemasDescribed,
  collectAgainstFixtures,
} from './contract-checks.ts';
import type { CollectionReport, ContractOptions } from './contract-scenario.ts';
import {
  checkAuthFailure,
  checkMalformedJson,
  checkNoSecretLeaks,
  checkPermissionDenied,
  checkRetryAfter,
  checkUnexpectedRequestFails,
} from './contract-failures.ts';

export function describeConnectorContract(connector: AnyConnector, options: ContractOptions): void {
  describe(`${connector.id}: the connector contract`, () => {
    let report: CollectionReport;
    beforeAll(async () => {
      report = await collectAgainstFixtures(connector, options);
    });

    it('describes every config, resource and event field', () => checkSchemasDescribed(connector));
    it('passes its connection test against the fixtures', () => checkConnection(report));
    it('collects every resource and event, asking for every recorded page and nothing else', () => checkCompleteCollection(report));
    it('yields rows that match their schemas, with unique keys (and a cursor for events)', () => checkRowsMatchSchemas(connector, report));
    it('fills every field in at least one row', () => checkNoAlwaysEmptyFields(connector, report));
    it('follows pagination to the second page', () => checkPagination(connector, report, options));
    it('fails the connection test with AuthFailed on a 401', () => checkAuthFailure(connector, options));
    it(
      options.throttling?.governedBy === 'sdk'
        ? "retries a throttling answer as the provider's SDK does, then succeeds; ends in RateLimited with the provider's message when throttling never stops"
        : 'waits as Retry-After asks on a 429, then succeeds',
      () => checkRetryAfter(connector, options, report),
    );
    it(options.malformed ? 'reports a malformed body as a ProviderError naming where it came from' : 'reports a malformed JSON body as a ProviderError naming the path', () =>
      checkMalformedJson(connector, options, report),
    );
    it("records a 403 as a missing permission with the provider's message", () => checkPermissionDenied(connector, options, report));
    it.skipIf(!hasSecretFields(connector.configSchema))('never lets a config secret into a log line, result or error, whatever fails', () =>
      checkNoSecretLeaks(connector, options, report),
    );
    it('fails when it makes a request the fixtures do not expect', () => checkUnexpectedRequestFails(connector, options));
  });
}
