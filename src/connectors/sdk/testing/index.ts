/** Test helpers for connectors: fixture server, test time, schema checks and the contract kit. */
export { startFixtureServer, UNEXPECTED_STATUS } from './fixture-server.ts';
export type { FieldMatcher, FixtureReply, FixtureResponder, FixtureRoute, FixtureServer, FixtureServerOptions, RecordedRequest } from './fixture-server.ts';
export { createTestTime } from './test-time.ts';
export type { TestTime } from './test-time.ts';
export { alwaysEmptyFields, assertEveryFieldDescribed, duplicateKeys, undescribedFields } from './schema-checks.ts';
export { describeConnectorContract } from './contract.ts';
export { collectAgainstFixtures } from './contract-checks.ts';
export { ContractViolation } from './contract-scenario.ts';
export type { CollectionReport, ContractOptions, ListingReport } from './contract-scenario.ts';
