/**
 * Schema pieces every route uses: times, pages, the error body, and query-string parsers (comma
 * lists, dates, limits, booleans). Query strings arrive as text, so these parse from strings.
 */
import { z } from 'zod';

/** An ISO 8601 UTC time on the wire. */
export const isoTime = () => z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC' });

export const errorSchema = z
  .object({
    error: z.string().describe('The error tag: InvalidInput, NotFound, Conflict, AuthFailed, PermissionDenied, RateLimited, …'),
    message: z.string().describe('What went wrong.'),
    where: z.string().optional().describe('Where: a field, header or record.'),
    hint: z.string().optional().describe('What to do about it.'),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('Every error has this shape; the HTTP status follows from `error`.');

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
    total: z.number().int().optional().describe('How many match in all (only with includeTotal=true).'),
  });

/** `a,b,c` (or a repeated key) → ['a', 'b', 'c'], each one of `values`. */
export const csvEnum = <const T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)))
    .meta({ description: `${description} Comma-separated: ${values.join(', ')}.` });

export const csvList = (description: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .meta({ description: `${description} Comma-separated.` });

/** A date or time: `2026-03-01` (midnight UTC) or full ISO 8601. */
export const dateParam = (description: string) =>
  z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(new Date(s).getTime()), 'a date (2026-03-01) or an ISO 8601 time')
    .transform((s) => new Date(s))
    .meta({ description, format: 'date-time' });

export const limitParam = (def: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(def).describe(`Page size (default ${def}, at most ${max}).`);

export const cursorParam = () => z.string().max(2000).optional().describe('The nextCursor of the previous page.');

export const boolParam = (description: string) =>
  z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .describe(description);

export const idParam = (what: string) => z.object({ id: z.string().min(1).max(200).describe(`The ${what} id.`) });

/** Opaque cursors: base64url of JSON, checked on the way back in. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
