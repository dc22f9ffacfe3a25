/**
 * Every change made through the API is a `user.action` evidence record: who (user, role, and
 * whether by session or which API token), what (the action, its subject and details), when (the
 * record's time) — appended to the tamper-evident log after the change succeeded.
 */
import type { Context } from 'hono';
import type { Env, ServerContext } from './context.ts';

export interface AuditNote {
  /** `finding.acknowledge`, `user.create`, `auth.sign_in`, … */
  action: string;
  /** What it was done to: `finding/fnd_…`, `user/usr_…`. */
  subject: string;
  details?: Record<string, unknown>;
}

// Belt and braces: routes choose what goes in details, and nothing secret-looking ever does.
const SECRET_KEY = /password|token|secret|authorization|cookie/i;

function clean(value: unknown, depth = 0): unknown {
  if (depth > 4) return '[…]';
  if (typeof value === 'string') return value.length > 500 ? `${value.slice(0, 500)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => clean(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => !SECRET_KEY.test(k) && v !== undefined && typeof v !== 'function' && !(typeof File !== 'undefined' && v instanceof File))
        .map(([k, v]) => [k, clean(v, depth + 1)]),
    );
  }
  return value ?? null;
}

export async function recordAction(ctx: ServerContext, c: Context<Env>, route: { method: string; path: string }, note: AuditNote): Promise<void> {
  const principal = c.get('principal');
  const actor = principal?.user ?? c.get('actor');
  await ctx.app.evidence.log.append(ctx.workspaceId, [
    {
      kind: 'user.action',
      source: actor ? `user:${actor.id}` : 'user:anonymous',
      subject: note.subject,
      content: {
        action: note.action,
        actor: actor ? { id: actor.id, email: actor.email, role: actor.role } : null,
        via: principal ? (principal.via === 'token' ? `token:${principal.token?.id}` : 'session') : 'link',
        request: { id: c.get('requestId'), method: route.method.toUpperCase(), route: route.path },
        details: clean(note.details ?? {}) as never,
      },
    },
  ]);
}
