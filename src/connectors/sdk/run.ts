/**
 * What the engine calls to run a connector, so every engine path gets the same behaviour: rows
 * validated against their schema and handed over page by page (memory stays flat however big the
 * source), "no permission" and "not applicable" answers recorded as gaps instead of failures, and
 * everything that comes out — rows (they become evidence, kept for years), the connection summary,
 * every thrown error — redacted of the run's secrets.
 */
import { VigilError, isVigilError } from '../../lib/errors.ts';
import type { EngineRunContext } from './context.ts';
import type { ConnectionInfo, EventPage, Events, Resource, RowSchema } from './define.ts';
import { sanitizeError } from './redactor.ts';

export type Row = Record<string, unknown>;

export interface ReadOutcome {
  /**
   * `complete`: every row was handed over. Otherwise the listing stopped early (the rows handed
   * over before are real, but the snapshot is partial: do not treat missing rows as deleted).
   */
  status: 'complete' | 'permission_missing' | 'not_applicable';
  rows: number;
  pages: number;
  /** Why it is not complete (the provider's message or the connector's reason). */
  message?: string;
}

export async function runTestConnection<C>(ctx: EngineRunContext<C>): Promise<ConnectionInfo> {
  try {
    // The summary is printed by `vigil sources test`: it must not carry a secret either.
    return ctx.redactor.redactDeep(await ctx.connector.testConnection(ctx));
  } catch (e) {
    throw runError(ctx, e, 'testing the connection');
  }
}

/**
 * List a resource, validating each row and calling `onPage` with batches of at most `pageSize`
 * rows (a connector's own pages are passed through as they come).
 */
export async function readResource<C>(
  ctx: EngineRunContext<C>,
  resource: Resource<RowSchema, C>,
  onPage: (rows: Row[]) => void | Promise<void>,
  options: { pageSize?: number } = {},
): Promise<ReadOutcome> {
  const pageSize = options.pageSize ?? 500;
  let rows = 0;
  let pages = 0;
  let buffer: Row[] = [];
  const flush = async () => {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    pages++;
    rows += batch.length;
    await onPage(batch);
  };
  try {
    for await (const item of resource.list(ctx)) {
      checkAborted(ctx);
      const batch = Array.isArray(item) ? item : [item];
      for (const raw of batch) buffer.push(ctx.redactor.redactDeep(validateRow(ctx, resource, raw, rows + buffer.length)));
      if (Array.isArray(item) || buffer.length >= pageSize) await flush();
    }
    await flush();
    return { status: 'complete', rows, pages };
  } catch (e) {
    const gap = gapFor(ctx, resource.name, e);
    if (!gap) throw runError(ctx, e, `listing ${resource.name}`);
    await flush();
    return { status: gap.kind, rows, pages, message: gap.message };
  }
}

/**
 * List events after `cursor`, validating each row (its time must be a date) and calling `onPage`
 * per page with the cursor to store once the page is saved. Returns the last cursor handed over.
 */
export async function readEvents<C>(
  ctx: EngineRunContext<C>,
  events: Events<RowSchema, C>,
  cursor: string | null,
  onPage: (page: EventPage<Row>) => void | Promise<void>,
): Promise<ReadOutcome & { cursor: string | null }> {
  let rows = 0;
  let pages = 0;
  let last = cursor;
  try {
    for await (const page of events.list(ctx, cursor)) {
      checkAborted(ctx);
      const valid = page.rows.map((raw, i) => {
        const row = validateRow(ctx, events, raw, rows + i);
        const time = row[events.time];
        if (!(time instanceof Date) && (typeof time !== 'string' || Number.isNaN(Date.parse(time)))) {
          throw new VigilError('ProviderError', `${events.name}: event ${rows + i + 1} has no valid time in "${events.time}"`, {
            where: ctx.where,
            hint: 'the provider may have changed its event format; please report it',
          });
        }
        return ctx.redactor.redactDeep(row);
      });
      pages++;
      rows += valid.length;
      await onPage({ rows: valid, cursor: page.cursor });
      last = page.cursor;
    }
    return { status: 'complete', rows, pages, cursor: last };
  } catch (e) {
    const gap = gapFor(ctx, events.name, e);
    if (!gap) throw runError(ctx, e, `listing ${events.name}`);
    return { status: gap.kind, rows, pages, message: gap.message, cursor: last };
  }
}

function checkAborted(ctx: EngineRunContext<unknown>): void {
  if (ctx.signal.aborted) throw ctx.signal.reason;
}

function validateRow(ctx: EngineRunContext<unknown>, source: { name: string; schema: RowSchema }, raw: unknown, index: number): Row {
  const result = source.schema.safeParse(raw);
  if (result.success) return result.data as Row;
  const issues = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`)
    .join('; ');
  throw new VigilError('ProviderError', `${source.name}: row ${index + 1} does not match the schema: ${issues}`, {
    where: ctx.where,
    hint: "the provider's answer changed shape or the connector maps it wrongly; please report it",
    details: { resource: source.name, row: index + 1, issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
  });
}

/** A permission or not-applicable answer becomes a recorded gap; anything else is not a gap. */
function gapFor(ctx: EngineRunContext<unknown>, name: string, e: unknown): { kind: 'permission_missing' | 'not_applicable'; message: string } | undefined {
  if (!isVigilError(e)) return undefined;
  const status = e.details?.status;
  const code = e.details?.providerCode;
  const providerMessage = typeof e.details?.providerMessage === 'string' ? e.details.providerMessage : undefined;
  const rule = ctx.connector.notApplicable.find(
    (r) =>
      (r.status === undefined || r.status === status) &&
      (r.code === undefined || r.code === code) &&
      (r.appliesTo === undefined || r.appliesTo.includes(name)),
  );
  if (rule) {
    const message = providerMessage ? `${rule.reason} (the provider said: ${providerMessage})` : rule.reason;
    ctx.notApplicable(name, message);
    return { kind: 'not_applicable', message: ctx.redactor.redact(message) };
  }
  if (e._tag === 'PermissionDenied') {
    const message = providerMessage ?? e.message;
    ctx.permissionMissing(name, message);
    return { kind: 'permission_missing', message: ctx.redactor.redact(message) };
  }
  return undefined;
}

/** A thrown error as the engine should record it: tagged, placed, and redacted. */
function runError(ctx: EngineRunContext<unknown>, e: unknown, doing: string): unknown {
  if (ctx.signal.aborted && e === ctx.signal.reason) return e;
  if (isVigilError(e)) {
    const safe = sanitizeError(e, ctx.redactor) as VigilError;
    return safe.where ? safe : new VigilError(safe._tag, safe.message, { where: ctx.where, ...(safe.hint ? { hint: safe.hint } : {}), ...(safe.details ? { details: safe.details } : {}), cause: safe.cause });
  }
  const safe = sanitizeError(e, ctx.redactor);
  return new VigilError('Internal', `connector ${ctx.connectorId} failed while ${doing}: ${safe.message}`, {
    where: ctx.where,
    hint: 'this is a bug in the connector; please report it with this message',
    cause: safe,
  });
}
