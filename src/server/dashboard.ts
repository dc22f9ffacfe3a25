/**
 * The dashboard: the built files in web/dist, with index.html for every other page (the dashboard
 * routes in the browser). Until a dashboard is built, small self-contained pages stand in: the
 * start page, and the two pages the one-time links lead to (/setup for the first admin, /invite
 * for an invited user), so a fresh install can be set up with nothing but this server.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Env } from './context.ts';

export const defaultDashboardDir = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const page = (title: string, body: string, script = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} — Vigil</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}label{display:block;margin:.75rem 0 .25rem}
input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}#msg{margin-top:1rem}</style></head>
<body><h1>${title}</h1>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;

const linkForm = (kind: 'setup' | 'invite') => `
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const msg = document.getElementById('msg');
const form = document.getElementById('f');
if (!token) { msg.textContent = 'This page needs the link with its token (…#token=…).'; form.hidden = true; }
else fetch('/api/v1/auth/links/inspect', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })
  .then((r) => r.json().then((b) => { if (!r.ok) throw new Error(b.message); if (b.email) { document.getElementById('email').value = b.email; document.getElementById('email').readOnly = true; } }))
  .catch((e) => { msg.textContent = e.message; form.hidden = true; });
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const data = Object.fromEntries(new FormData(form));
  const r = await fetch('/api/v1/auth/${kind === 'setup' ? 'setup' : 'invitations/accept'}', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...data, token }) });
  const b = await r.json();
  if (!r.ok) { msg.textContent = b.message + (b.hint ? ' — ' + b.hint : ''); return; }
  history.replaceState(null, '', location.pathname);
  msg.textContent = 'Done: you are signed in as ' + b.user.email + '.';
  form.hidden = true;
});`;

const form = (kind: 'setup' | 'invite') =>
  `<p>${kind === 'setup' ? 'Create the first admin account. This link works once, for 24 hours.' : 'Choose a password for your account.'}</p>
<form id="f"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="name">Name</label><input id="name" name="name" autocomplete="name">
<label for="password">Password (at least 12 characters)</label><input id="password" name="password" type="password" minlength="12" autocomplete="new-password" required>
<button type="submit">${kind === 'setup' ? 'Create admin' : 'Set password'}</button></form><p id="msg" role="status"></p>`;

export function mountDashboard(http: Hono<Env>, dir: string): void {
  const built = existsSync(join(dir, 'index.html'));
  if (!built) {
    http.get('/', (c) => c.html(page('Vigil', '<p>The API is running. The dashboard is not built yet (web/dist).</p><p><a href="/api/v1/docs">API documentation</a></p>')));
    http.get('/setup', (c) => c.html(page('Set up Vigil', form('setup'), linkForm('setup'))));
    http.get('/invite', (c) => c.html(page('Join Vigil', form('invite'), linkForm('invite'))));
    return;
  }
  const root = normalize(dir.endsWith(sep) ? dir : dir + sep);
  const index = readFileSync(join(root, 'index.html'));
  http.get('*', (c) => {
    const path = new URL(c.req.url).pathname;
    if (path.startsWith('/api/')) return c.notFound();
    const file = normalize(join(root, decodeURIComponent(path)));
    if (file.startsWith(root) && existsSync(file) && statSync(file).isFile()) {
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      // Built assets carry a content hash in their names; index.html must always be fresh.
      const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return c.body(readFileSync(file), 200, { 'content-type': type, 'cache-control': cache });
    }
    return c.body(index, 200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' });
  });
}
