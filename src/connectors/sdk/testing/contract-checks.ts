/**
 * The checks of the connector contract that judge one happy-path collection against the
 * recorded fixtures (contract.ts wires them into vitest; contract-failures.ts has the failure
 * modes). Each throws a ContractViolation saying what is wrong and where.
 */
import type { AnyConnector } from '../define.ts';
import type { Row } from '../run.ts';
import type { RecordedRequest } from './fixture-server.ts';
import { alwaysEmptyFields, duplicateKeys, undescribedFields } from './schema-checks.ts';
import { ContractViolation, describeError, withScenario, type CollectionReport, type ContractOptions, type ListingReport } from './contract-scenario.ts';

export async function collectAgainstFixtures(connector: AnyConnector, options: ContractOptions): Promise<CollectionReport> {
  return withScenario(connector, options, options.routes, async ({ server, ctx, logs }) => {
    const report: CollectionReport = { connectionRequests: [], listings: [], logs, gaps: [], unexpected: [], pending: [] };
    try {
      report.connection = await connector.testConnection(ctx);
    } catch (e) {
      report.connectionError = e;
    }
    report.connectionRequests = server.requests.slice();
    for (const resource of connector.resources) {
      const before = server.requests.length;
      const listing: ListingReport = { kind: 'resource', name: resource.name, rows: [], requests: [] };
      try {
        for await (const item of resource.list(ctx)) listing.rows.push(...(Array.isArray(item) ? item : [item]));
      } catch (e) {
        listing.error = e;
      }
      listing.requests = server.requests.slice(before);
      report.listings.push(listing);
    }
    for (const events of connector.events) {
      const before = server.requests.length;
      const listing: ListingReport = { kind: 'events', name: events.name, rows: [], requests: [], cursor: null };
      try {
        for await (const page of events.list(ctx, null)) {
          listing.rows.push(...page.rows);
          listing.cursor = page.cursor;
        }
      } catch (e) {
        listing.error = e;
      }
      listing.requests = server.requests.slice(before);
      report.listings.push(listing);
    }
    report.gaps = [...ctx.gaps()];
    report.unexpected = server.unexpected.slice();
    report.pending = server.pending();
    return report;
  });
}

export function checkSchemasDescribed(connector: AnyConnector): void {
  const problems = [
    ...undescribedFields(connector.configSchema).map((f) => `config.${f}`),
    ...connector.resources.flatMap((r) => undescribedFields(r.schema).map((f) => `${r.name}.${f}`)),
    ...connector.events.flatMap((e) => undescribedFields(e.schema).map((f) => `${e.name}.${f}`)),
  ];
  if (problems.length) throw new ContractViolation(`fields without .describe() (the docs are generated from them): ${problems.join(', ')}`);
}

export function checkConnection(report: CollectionReport): void {
  if (report.connectionError) throw new ContractViolation(`testConnection failed against the fixtures: ${describeError(report.connectionError)}`);
  if (!report.connection?.summary) throw new ContractViolation('testConnection returned no summary');
  if (report.connectionRequests.length === 0) throw new ContractViolation('testConnection made no request: it must prove the base URL and credentials work');
}

export function checkCompleteCollection(report: CollectionReport): void {
  const problems: string[] = [];
  for (const l of report.listings) if (l.error) problems.push(`${l.name} failed: ${describeError(l.error)}`);
  for (const g of report.gaps) problems.push(`${g.what} recorded as ${g.kind} on the happy path: ${g.message}`);
  if (report.unexpected.length) problems.push(`requests no fixture route expects: ${report.unexpected.map((r) => `${r.method} ${r.target}`).join(', ')}`);
  if (report.pending.length) problems.push(`fixture routes never requested (is a page not followed?): ${report.pending.join('; ')}`);
  if (problems.length) throw new ContractViolation(problems.join('\n'));
}

export function checkRowsMatchSchemas(connector: AnyConnector, report: CollectionReport): void {
  const problems: string[] = [];
  for (const r of connector.resources) {
    const rows = report.listings.find((l) => l.name === r.name)?.rows ?? [];
    rows.forEach((row, i) => {
      const result = r.schema.safeParse(row);
      if (!result.success) problems.push(`${r.name} row ${i + 1}: ${result.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    });
    const dups = duplicateKeys(rows, r.primaryKey);
    if (dups.length) problems.push(`${r.name}: primary key values not unique: ${dups.join(', ')}`);
  }
  for (const e of connector.events) {
    const listing = report.listings.find((l) => l.name === e.name);
    const rows = listing?.rows ?? [];
    rows.forEach((row, i) => {
      const result = e.schema.safeParse(row);
      if (!result.success) problems.push(`${e.name} event ${i + 1}: ${result.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      const t = (row as Row)[e.time];
      if (!(t instanceof Date) && (typeof t !== 'string' || Number.isNaN(Date.parse(t)))) problems.push(`${e.name} event ${i + 1}: "${e.time}" is not a date`);
    });
    const dups = duplicateKeys(rows, e.key);
    if (dups.length) problems.push(`${e.name}: event keys not unique: ${dups.join(', ')}`);
    if (rows.length && (listing?.cursor === null || listing?.cursor === undefined)) {
      problems.push(`${e.name}: the last page has no cursor, so the next run would fetch every event again`);
    }
  }
  if (problems.length) throw new ContractViolation(problems.join('\n'));
}

export function checkNoAlwaysEmptyFields(connector: AnyConnector, report: CollectionReport): void {
  const problems: string[] = [];
  for (const s of [...connector.resources, ...connector.events]) {
    const rows = report.listings.find((l) => l.name === s.name)?.rows ?? [];
    if (rows.length === 0) {
      problems.push(`${s.name}: no rows collected from the fixtures`);
      continue;
    }
    const empty = alwaysEmptyFields(s.schema, rows);
    if (empty.length) problems.push(`${s.name}: always empty across ${rows.length} rows (a mapping bug, or fixtures that do not show the field): ${empty.join(', ')}`);
  }
  if (problems.length) throw new ContractViolation(problems.join('\n'));
}

export function checkPagination(connector: AnyConnector, report: CollectionReport, options: ContractOptions): void {
  const problems: string[] = [];
  for (const l of report.listings) {
    if (options.singlePage?.[l.name]) continue;
    const perPath = new Map<string, number>();
    const operationOf = options.operationOf ?? ((r: RecordedRequest) => r.path);
    for (const r of l.requests) perPath.set(operationOf(r), (perPath.get(operationOf(r)) ?? 0) + 1);
    if (![...perPath.values()].some((n) => n >= 2)) {
      problems.push(`${l.name}: never asked for a second page (requests: ${l.requests.map((r) => r.target).join(', ') || 'none'}); record one, or list it in singlePage with why`);
    }
  }
  if (problems.length) throw new ContractViolation(problems.join('\n'));
}
