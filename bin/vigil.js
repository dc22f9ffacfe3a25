#!/usr/bin/env node
// The `vigil` executable. Vigil ships its TypeScript sources and runs them through tsx's loader,
// so `npx vigil` always runs the code in src/ — there is no build output that can go stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
