#!/usr/bin/env node
// Build the dashboard into web/dist (`npm run build:web`; also run by `npm install` through
// `prepare`, so `npm install && npm start` serves a built dashboard). An install without dev
// dependencies (npm ci --omit=dev) has no Vite: it skips the build instead of failing the install,
// and the server then serves its small stand-in pages.
import { fileURLToPath } from 'node:url';

let vite;
try {
  vite = await import('vite');
} catch {
  console.log('vigil: Vite is not installed (dev dependencies omitted); the dashboard is not built.');
  process.exit(0);
}
const started = Date.now();
await vite.build({ configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)), logLevel: 'warn' });
console.log(`vigil: dashboard built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
