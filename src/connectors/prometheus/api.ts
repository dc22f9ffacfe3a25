/**
 * The parts of the Prometheus HTTP API this connector uses (`/api/v1/query`, `/api/v1/query_range`)
 * and its response envelope: `{ status, data: { resultType, result }, errorType, error, warnings }`.
 * Sample values are strings (`"0.9993"`, `"NaN"`); times are Unix seconds.
 */
import { VigilError } from '../../lib/errors.ts';
import type { ProblemReader, RunContext } from '../sdk/index.ts';
import type { PrometheusConfig } from './config.ts';

export interface ApiSeries {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

interface ApiEnvelope {
  status?: string;
  data?: { resultType?: string; result?: unknown };
  warnings?: string[];
}

/** Prometheus puts its error class in `errorType` (bad_data, execution, timeout…) and the text in `error`. */
export const readPrometheusProblem: ProblemReader = (body) => {
  if (body === null || typeof body !== 'object') return typeof body === 'string' && body.trim() ? { message: body.slice(0, 300) } : {};
  const b = body as Record<string, unknown>;
  return {
    ...(typeof b.errorType === 'string' ? { code: b.errorType } : {}),
    ...(typeof b.error === 'string' ? { message: b.error } : {}),
  };
};

function unusable(ctx: RunContext<PrometheusConfig>, path: string, why: string): VigilError {
  return new VigilError('ProviderError', `GET ${path}: ${why}`, {
    where: `connector ${ctx.connectorId}`,
    hint: 'the server may not speak the Prometheus HTTP API; check the base URL (it should be the server root, without /api/v1)',
  });
}

/** The series of a query answer, after checking the envelope is what Prometheus documents. */
export async function querySeries(
  ctx: RunContext<PrometheusConfig>,
  path: '/api/v1/query' | '/api/v1/query_range',
  query: Record<string, string>,
  resultType: 'vector' | 'matrix',
): Promise<ApiSeries[]> {
  const body = await ctx.http.get<ApiEnvelope>(path, { query });
  if (body === null || typeof body !== 'object' || body.status !== 'success' || !body.data) throw unusable(ctx, path, 'the answer is not a Prometheus API response');
  if (body.data.resultType !== resultType) throw unusable(ctx, path, `expected a ${resultType} result, got ${String(body.data.resultType)}`);
  if (!Array.isArray(body.data.result)) throw unusable(ctx, path, 'the result is not a list of series');
  for (const w of body.warnings ?? []) ctx.log.warn(`Prometheus warned: ${w}`);
  return body.data.result as ApiSeries[];
}

export const showLabels = (metric: Record<string, string>) =>
  `{${Object.entries(metric)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
