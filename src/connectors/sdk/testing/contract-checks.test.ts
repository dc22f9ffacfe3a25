import { describe, expect, it } from 'vitest';
import {
  checkCompleteCollection,
  checkConnection,
  checkNoAlwaysEmptyFields,
  checkPagination,
  checkRowsMatchSchemas,
  checkSchemasDescribed,
  collectAgainstFixtures,
} from './contract-checks.ts';
import { ContractViolation, type ContractOptions } from './contract-scenario.ts';
import {
  checkAuthFailure,
  checkMalformedJson,
  checkNoSecretLeaks,
  checkPermissionDenied,
  checkRetryAfter,
  checkUnexpectedRequestFails,
} from './contract-failures.ts';
import { toyConfig, toyConnector, toyRoutes, toyToken, type ToyFaults } from './__fixtures__/toy-connector.ts';

const options: ContractOptions = { config: toyConfig, routes: toyRoutes };

async function report(faults: ToyFaults = {}) {
  const connector = toyConnector(faults);
  return { connector, report: await collectAgainstFixtures(connector, options) };
}

describe('the contract checks', () => {
  it('pass for a correct connector', async () => {
    const { connector, report: r } = await report();
    checkSchemasDescribed(connector);
    checkConnection(r);
    checkCompleteCollection(r);
    checkRowsMatchSchemas(connector, r);
    checkNoAlwaysEmptyFields(connector, r);
    checkPagination(connector, r, options);
    await checkAuthFailure(connector, options);
    await checkRetryAfter(connector, options, r);
    await checkMalformedJson(connector, options, r);
    await checkPermissionDenied(connector, options, r);
    await checkNoSecretLeaks(connector, options, r);
    await checkUnexpectedRequestFails(connector, options);
    expect(r.listings[0]!.rows).toHaveLength(3);
  });

  it('name a field without a description', () => {
    expect(() => checkSchemasDescribed(toyConnector({ undescribed: true }))).toThrow(/widgets\.size/);
  });

  it('catch a listing that stops after the first page', async () => {
    const { connector, report: r } = await report({ skipSecondPage: true });
    expect(() => checkCompleteCollection(r)).toThrow(/never requested.*widgets page 2/s);
    expect(() => checkPagination(connector, r, options)).toThrow(/widgets: never asked for a second page/);
    // …unless the fixtures say the listing has one page only.
    expect(() => checkPagination(connector, r, { ...options, singlePage: { widgets: 'the toy API returns everything at once' } })).not.toThrow();
  });

  it('catch a request the fixtures do not expect', async () => {
    const { report: r } = await report({ extraRequest: true });
    expect(() => checkCompleteCollection(r)).toThrow(/GET \/api\/extra/);
  });

  it('catch duplicate primary keys', async () => {
    const { connector, report: r } = await report({ duplicateKeys: true });
    expect(() => checkRowsMatchSchemas(connector, r)).toThrow(/primary key values not unique: "same"/);
  });

  it('catch a field that is empty in every row', async () => {
    const { connector, report: r } = await report({ emptyField: true });
    expect(() => checkNoAlwaysEmptyFields(connector, r)).toThrow(/always empty across 3 rows.*colour/);
  });

  it('catch a connector that hides a 401 behind a successful connection test', async () => {
    await expect(checkAuthFailure(toyConnector({ swallowErrors: true }), options)).rejects.toThrow(/succeeded although every request was answered 401/);
  });

  it('catch a connector that does not wait out a 429', async () => {
    const connector = toyConnector({ noRetries: true });
    const r = await collectAgainstFixtures(connector, options);
    await expect(checkRetryAfter(connector, options, r)).rejects.toThrow(ContractViolation);
  });

  it('judge throttling by its outcome where the provider\'s SDK governs the retries, and still catch a connector that never retries', async () => {
    const sdk: ContractOptions = { ...options, throttling: { governedBy: 'sdk', reply: (message) => ({ status: 429, body: { message } }) } };
    const { connector, report: r } = await report();
    await checkRetryAfter(connector, sdk, r);
    const lazy = toyConnector({ noRetries: true });
    await expect(checkRetryAfter(lazy, sdk, await collectAgainstFixtures(lazy, sdk))).rejects.toThrow(/after one throttling answer, testConnection should retry and succeed/);
  });

  it('answer the failure scenarios with errorReply, and judge a malformed body by what the option says it must name', async () => {
    const seen: number[] = [];
    const custom: ContractOptions = {
      ...options,
      errorReply: (status, message) => {
        seen.push(status);
        return { status, headers: { 'content-type': 'application/json' }, body: { message } };
      },
      malformed: { reply: () => ({ status: 200, raw: '{"widgets": [' }), names: (req) => `${req.method} ${req.path}` },
    };
    const { connector, report: r } = await report();
    await checkAuthFailure(connector, custom);
    await checkPermissionDenied(connector, custom, r);
    expect(new Set(seen)).toEqual(new Set([401, 403]));
    await checkMalformedJson(connector, custom, r);
    const strict: ContractOptions = { ...custom, malformed: { reply: custom.malformed!.reply, names: () => 'a place no error names' } };
    await expect(checkMalformedJson(connector, strict, r)).rejects.toThrow(/should give a ProviderError naming a place no error names/);
  });

  it('count pagination per operation when operationOf says what one call is', async () => {
    const { connector, report: r } = await report();
    expect(() => checkPagination(connector, r, { ...options, operationOf: (req) => `${req.path} ${req.query.page ?? '1'}` })).toThrow(/never asked for a second page/);
    expect(() => checkPagination(connector, r, { ...options, operationOf: (req) => req.path })).not.toThrow();
  });

  it('catch a connector that swallows a malformed body', async () => {
    const { connector, report: r } = await report({ swallowErrors: true });
    await expect(checkMalformedJson(connector, options, r)).rejects.toThrow(/malformed JSON body went unnoticed/);
  });

  it('catch a connector that swallows a 403 without recording the missing permission', async () => {
    const { connector, report: r } = await report({ swallowErrors: true });
    await expect(checkPermissionDenied(connector, options, r)).rejects.toThrow(/403 was not recorded/);
  });

  it('catch a secret mapped into a row, without printing the secret', async () => {
    const { connector, report: r } = await report({ tokenInRow: true });
    const error = await checkNoSecretLeaks(connector, options, r).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as Error).message).toMatch(/the secret in config\.token appeared in a row of widgets/);
    expect((error as Error).message).toContain('<SECRET>');
    expect((error as Error).message).not.toContain(toyToken);
  });

  it('catch a connection test that makes no request', async () => {
    const { report: r } = await report({ offlineTest: true });
    expect(() => checkConnection(r)).toThrow(/made no request/);
    await expect(checkUnexpectedRequestFails(toyConnector({ offlineTest: true }), options)).rejects.toThrow(/succeeded against a server that expected no request/);
  });
});
