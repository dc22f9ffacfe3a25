/**
 * `npm run bench [-- --scale s|m|l] [--json] [--only NAME] [--no-save]`: runs every scenario on
 * PGlite, and on PostgreSQL too when DATABASE_URL is set, each in a child process of its own, prints
 * each figure beside the limit measured in the same run, and keeps the figures of the scale in
 * bench/results/<scale>.json, from which docs/performance.md is written. Add a scenario: a file in
 * bench/ exporting a `Scenario`, and one line in this list.
 */
import { api } from './api.ts';
import { collection } from './collection.ts';
import { evaluation } from './evaluation.ts';
import { evidence } from './evidence.ts';
import { ingest } from './ingest.ts';
import { main, type Scenario } from './lib.ts';

export const scenarios: Scenario[] = [evidence, ingest, collection, evaluation, api];

await main(scenarios, process.argv.slice(2));
