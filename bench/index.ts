/**
 * `npm run bench [-- --scale s|m|l] [--json] [--only NAME]`: runs every scenario on PGlite, and on
 * PostgreSQL too when DATABASE_URL is set, and prints each figure beside the limit measured in the
 * same run. Add a scenario: a file in bench/ exporting a `Scenario`, and one line in this list.
 */
import { evidence } from './evidence.ts';
import { parseArgs, print, runScenarios, type Scenario } from './lib.ts';

export const scenarios: Scenario[] = [evidence];

const args = parseArgs(process.argv.slice(2));
print(await runScenarios(scenarios, args), args.json);
