/**
 * The OpenAPI 3.1 document, generated from the route definitions and their zod schemas (OpenAPI
 * 3.1 schemas are JSON Schema 2020-12, which z.toJSONSchema writes). Each operation also says who
 * may call it: `x-vigil-access` (the permission) and `x-vigil-roles`.
 */
import { z } from 'zod';
import { permissions, rolesFor } from './auth/permissions.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './auth/session.ts';
import type { AnyRoute } from './http/route.ts';
import { errorSchema } from './http/schemas.ts';

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** Hono's `:id` is OpenAPI's `{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function operation(r: AnyRoute): Json {
  const status = String(r.status ?? 200);
  const ok = r.raw
    ? { description: r.raw.description, content: { [r.raw.mediaType]: { schema: r.raw.mediaType === 'application/json' ? { type: 'object' } : { type: 'string', format: 'binary' } } } }
    : { description: 'OK', content: { 'application/json': { schema: r.response ? schemaOf(r.response, 'output') : {} } } };
  const access = r.access === 'public' ? 'anyone, signed in or not' : `${r.access} — ${permissions[r.access].description}`;
  return {
    operationId: r.operationId,
    summary: r.summary,
    description: [r.description, `Who: ${access}.`].filter(Boolean).join('\n\n'),
    tags: [r.tag],
    'x-vigil-access': r.access,
    'x-vigil-roles': rolesFor(r.access),
    security: r.access === 'public' ? [] : [{ sessionCookie: [] }, { bearerToken: [] }],
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: { [r.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json']: { schema: schemaOf(r.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [status]: ok,
      default: { description: 'An error; the status follows from its `error` tag.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

export function buildOpenApi(routes: AnyRoute[], info: { title: string; version: string; serverUrl?: string | undefined }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const p = openApiPath(r.path);
    paths[p] ??= {};
    paths[p][r.method] = operation(r);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'The Vigil HTTP API. Sign in (POST /api/v1/auth/sign-in) for a session cookie and a CSRF token to echo in the X-CSRF-Token header on changes, or send an API token as `Authorization: Bearer <token>`. Times are ISO 8601 UTC. Lists page with an opaque `cursor`.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags,
    paths,
    components: {
      schemas: { Error: schemaOf(errorSchema, 'output') },
      securitySchemes: {
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: `Set by sign-in. Changes (POST, PUT, PATCH, DELETE) must also send the vigil_csrf cookie's value in the ${CSRF_HEADER} header.`,
        },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token (vgl_…); read tokens can only read.' },
      },
    },
  };
}
