/**
 * Server-sent events: `ready` on connect, then `results` and `finding` (or `findings`, when many
 * changed at once) as the engine judges and people work findings. A comment line every 15 s keeps
 * proxies from closing the stream. The dashboard refetches what an event names.
 */
import { streamSSE } from 'hono/streaming';
import type { LiveEvent } from '../events.ts';
import { defineRoute } from '../http/route.ts';

const KEEPALIVE_MS = 15_000;

export const eventRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/events',
    operationId: 'events',
    summary: 'Live updates as server-sent events: result and finding changes',
    description:
      'Events: `ready` {at}; `results` {checks: [{check, changes, statuses}], changes: [{check, resource, status, since}]}; `finding` {id, check, severity, action, from, to, actor, at}; `findings` {count} when more than 200 changed in one go. The server polls the database every 2 s.',
    tag: 'events',
    access: 'read:operations',
    raw: { mediaType: 'text/event-stream', description: 'The event stream.' },
    handler: async ({ ctx, c }) =>
      streamSSE(c, async (stream) => {
        await ctx.events.ready();
        const queue: LiveEvent[] = [];
        let wake: (() => void) | undefined;
        let closed = false;
        const unsubscribe = ctx.events.subscribe((e) => {
          queue.push(e);
          wake?.();
        });
        stream.onAbort(() => {
          closed = true;
          unsubscribe();
          wake?.();
        });
        let id = 0;
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ at: ctx.app.clock.now().toISOString() }) });
        try {
          while (!closed) {
            if (!queue.length) {
              await new Promise<void>((resolve) => {
                const t = setTimeout(resolve, KEEPALIVE_MS);
                t.unref();
                wake = () => {
                  clearTimeout(t);
                  resolve();
                };
              });
              wake = undefined;
            }
            if (closed) break;
            const e = queue.shift();
            if (!e) await stream.write(': keepalive\n\n');
            else await stream.writeSSE({ event: e.type, data: JSON.stringify(e.data), id: String(++id) });
          }
        } finally {
          unsubscribe();
        }
      }),
  }),
];
