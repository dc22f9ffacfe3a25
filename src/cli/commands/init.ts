import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ensureDataDir } from '../../core/app.ts';
import { ensureSigningKey } from '../../evidence/keys.ts';
import { CONFIG_FILE, loadConfig } from '../../core/config/load.ts';
import { starterConfig } from '../../core/config/starter.ts';
import { VigilError } from '../../lib/errors.ts';
import { optionsOf } from '../context.ts';
import { emit } from '../output.ts';

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented starter vigil.yaml and create the data folder')
    .option('--force', 'overwrite an existing vigil.yaml')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ force?: boolean }>(cmd);
      const file = resolve(opts.config ?? CONFIG_FILE);
      const existed = existsSync(file);
      if (existed && !opts.force) {
        throw new VigilError('Conflict', 'a config file already exists; nothing was written', {
          where: file,
          hint: 'use --force to overwrite it',
        });
      }
      writeFileSync(file, starterConfig, { mode: 0o600 });
      const loaded = loadConfig({ path: file });
      ensureDataDir(loaded.dataDir);
      // The key that signs evidence checkpoints; kept if it already exists (history is signed with it).
      const key = ensureSigningKey(loaded.dataDir);
      emit(opts, { config: file, dataDir: loaded.dataDir, overwritten: existed, signingKey: key.path }, (r) =>
        [`wrote ${r.config}`, `data folder ${r.dataDir}`, `evidence signing key ${r.signingKey}`, 'next: add sources to vigil.yaml, then run `vigil start`'].join('\n'),
      );
    });
}
