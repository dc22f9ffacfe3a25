import type { Context } from 'hono';
import type { Env, ServerContext } from '../context.ts';

/** Where people reach Vigil: server.publicUrl, else the origin this request came to. */
export function baseUrl(ctx: ServerContext, c: Context<Env> | undefined): string {
  const configured = ctx.app.loaded.config.server.publicUrl;
  if (configured) return configured.replace(/\/+$/, '');
  return c ? new URL(c.req.url).origin : `http://localhost:${ctx.app.loaded.config.server.port}`;
}

/** A one-time link for the dashboard: the token travels in the fragment, which no server or proxy logs. */
export const linkUrl = (base: string, page: 'setup' | 'invite', token: string) => `${base}/${page}#token=${token}`;
