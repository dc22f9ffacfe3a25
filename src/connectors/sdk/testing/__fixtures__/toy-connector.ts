/**
 * A toy connector for the SDK's own tests, with switches that break it in the ways the contract
 * kit must catch. `toyConnector()` with no faults is a correct connector.
 */
import { z } from 'zod';
import { bearerAuth, defineConnector, defineResource, httpFields, paginateLinkHeader, secret, type RunContext } from '../../index.ts';
import type { FixtureRoute } from '../fixture-server.ts';

export interface ToyFaults {
  /** A field without .describe(). */
  undescribed?: boolean;
  /** Stops after the first page. */
  skipSecondPage?: boolean;
  /** Asks for something the fixtures do not have. */
  extraRequest?: boolean;
  /** Every row has the same id. */
  duplicateKeys?: boolean;
  /** `colour` is always null. */
  emptyField?: boolean;
  /** Maps the token into a row. */
  tokenInRow?: boolean;
  /** Catches every error and carries on as if nothing happened. */
  swallowErrors?: boolean;
  /** Never retries (so it cannot wait out a 429). */
  noRetries?: boolean;
  /** testConnection makes no request. */
  offlineTest?: boolean;
}

export const toyConfigSchema = z.strictObject({
  ...httpFields({ defaultBaseUrl: 'https://api.toy.example' }),
  token: secret('Toy API token.'),
  region: z.enum(['eu', 'us']).default('eu').describe('Data region of the toy account.'),
});
type ToyConfig = z.output<typeof toyConfigSchema>;

export const toyToken = 'toy-token-9d8c7b6a5f4e';
export const toyConfig = (baseUrl: string) => ({ baseUrl, token: toyToken });

export const toyRoutes: FixtureRoute[] = [
  { name: 'me', path: '/api/me', reply: { body: { account: 'toy-co' } } },
  {
    name: 'widgets page 1',
    path: '/api/widgets',
    query: { per_page: '2' },
    reply: {
      headers: { link: '<{{baseUrl}}/api/widgets?per_page=2&page=2>; rel="next"' },
      body: [
        { id: 'w1', colour: 'red', size: 3 },
        { id: 'w2', colour: null, size: 5 },
      ],
    },
  },
  { name: 'widgets page 2', path: '/api/widgets', query: { per_page: '2', page: '2' }, reply: { body: [{ id: 'w3', colour: 'blue', size: 8 }] } },
];

interface ApiWidget {
  id: string;
  colour: string | null;
  size: number;
}

export function toyConnector(faults: ToyFaults = {}) {
  const schema = z.object({
    id: z.string().describe('Widget id.'),
    colour: z.string().nullable().describe('Paint colour, if painted.'),
    size: faults.undescribed ? z.number() : z.number().describe('Size in centimetres.'),
    ...(faults.tokenInRow ? { note: z.string().describe('A note.') } : {}),
  });
  const guard = async function* <T>(ctx: RunContext<ToyConfig>, inner: AsyncIterable<T>): AsyncGenerator<T> {
    try {
      yield* inner;
    } catch (e) {
      if (!faults.swallowErrors) throw e;
      ctx.log.info('ignoring an error');
    }
  };
  const widgets = defineResource({
    name: 'widgets',
    description: 'Every widget.',
    schema,
    primaryKey: 'id',
    async *list(ctx: RunContext<ToyConfig>) {
      const pages = paginateLinkHeader(ctx.http, '/api/widgets', { query: { per_page: 2 }, items: (b) => b as ApiWidget[] });
      for await (const page of guard(ctx, pages)) {
        yield page.items.map((w) => ({
          id: faults.duplicateKeys ? 'same' : w.id,
          colour: faults.emptyField ? null : w.colour,
          size: w.size,
          ...(faults.tokenInRow ? { note: `made with ${ctx.config.token}` } : {}),
        }));
        if (faults.skipSecondPage) break;
      }
      if (faults.extraRequest) await ctx.http.get('/api/extra');
    },
  });
  return defineConnector({
    id: 'toy',
    title: 'Toy',
    description: 'A toy provider for the SDK tests.',
    configSchema: toyConfigSchema,
    auth: { description: 'Bearer token.', permissions: ['widgets:read'], create: (c) => bearerAuth(c.token) },
    http: faults.noRetries ? { retries: 0 } : {},
    async testConnection(ctx) {
      if (faults.offlineTest) return { summary: 'looks fine' };
      try {
        const me = await ctx.http.get<{ account: string }>('/api/me');
        return { summary: `connected to ${me.account}` };
      } catch (e) {
        if (faults.swallowErrors) return { summary: 'connected (probably)' };
        throw e;
      }
    },
    resources: [widgets],
  });
}
