import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './testing.ts';

// A malformed vigil.yaml stops every command that opens the workspace before anything is opened:
// one line naming the file and position, the path inside the file and what was expected (with
// --json, the same as one JSON object on stderr); exit 3 (docs/cli.md); no data folder created.
const cases: { what: string; text: string; at: string; message: string }[] = [
  { what: 'a wrong type', text: 'workspace:\n  slug: acme\nserver:\n  port: eighty\n', at: '4:3', message: 'server.port: expected number, got string' },
  { what: 'an unknown key', text: 'workspace:\n  slug: acme\n  colour: blue\n', at: '3:3', message: 'workspace.colour: unknown key "colour"' },
  {
    what: 'a missing environment variable',
    text: 'sources:\n  - name: okta\n    type: okta\n    config:\n      token: ${VIGIL_TEST_UNSET_TOKEN}\n',
    at: '5:7',
    message: 'sources[0].config.token: environment variable VIGIL_TEST_UNSET_TOKEN is not set (expected it to hold this value)',
  },
];

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('a malformed vigil.yaml', () => {
  for (const c of cases) {
    it(`with ${c.what}: every command says where in one line, exits 3 and writes nothing`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-badconfig-'));
      const file = join(dir, 'vigil.yaml');
      writeFileSync(file, c.text);
      for (const args of [['controls'], ['sources'], ['collect'], ['findings'], ['check']]) {
        const human = await runCli(['-c', file, ...args]);
        expect({ args, code: human.code, out: human.out, err: human.err }).toEqual({ args, code: 3, out: '', err: `vigil: ${file}:${c.at}: ${c.message}\n` });
        const json = await runCli(['-c', file, ...args, '--json']);
        expect({ args, code: json.code, out: json.out }).toEqual({ args, code: 3, out: '' });
        expect(JSON.parse(json.err)).toEqual({ error: 'InvalidConfig', message: c.message, where: `${file}:${c.at}` });
      }
      expect(readdirSync(dir)).toEqual(['vigil.yaml']);
    });
  }
});
