/**
 * The HTTP API (Hono). Routes are grouped per resource under /api/v1; errors map to HTTP through
 * the one table in src/lib/errors.ts.
 */
import { Hono } from 'hono';
import { httpStatus, isVigilError } from '../lib/errors.ts';
import type { App } from '../core/app.ts';

export function createServer(app: App): Hono {
  const http = new Hono();

  http.onError((err, c) => {
    if (isVigilError(err)) return c.json(err.toJSON(), httpStatus[err._tag] as 400);
    console.error(err);
    return c.json({ error: 'Internal', message: 'unexpected error; see the server log' }, 500);
  });

  http.get('/api/v1/health', async (c) => {
    await app.db.query('SELECT 1');
    return c.json({ status: 'ok', db: app.db.kind, workspace: app.workspace.slug });
  });

  return http;
}
