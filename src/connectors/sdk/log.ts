/**
 * The log a connector run writes through. Every message and field passes the run's redactor
 * before it reaches the sink, so a connector cannot log a secret even by accident.
 */
import type { Clock } from '../../lib/clock.ts';
import { REDACTED, type Redactor } from './redactor.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** ISO 8601, UTC. */
  time: string;
  fields?: Record<string, unknown>;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (entry: LogEntry) => void;

/** Field names whose values are never logged, whatever they hold. */
const sensitiveKey = /authorization|password|passwd|secret|token|api[-_]?key|cookie|credential|private[-_]?key/i;

export function createLogger(deps: { redactor: Redactor; clock: Clock; sink: LogSink; fields?: Record<string, unknown> }): Logger {
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    const merged = { ...deps.fields, ...fields };
    const safeFields = Object.keys(merged).length ? deps.redactor.redactDeep(maskSensitiveKeys(merged) as Record<string, unknown>) : undefined;
    deps.sink({
      level,
      message: deps.redactor.redact(message),
      time: deps.clock.now().toISOString(),
      ...(safeFields ? { fields: safeFields } : {}),
    });
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

function maskSensitiveKeys(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskSensitiveKeys(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = sensitiveKey.test(k) && v != null ? REDACTED : maskSensitiveKeys(v, depth + 1);
  return out;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
