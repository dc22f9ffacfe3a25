/**
 * The one closed set of errors Vigil raises on purpose, and the one place they map to HTTP statuses
 * and CLI exit codes. Every message should say what went wrong, where (file, line, field, source)
 * and what to do about it.
 */

export const errorTags = [
  'InvalidInput', // the user gave something malformed: config, flags, a file to import
  'InvalidConfig', // vigil.yaml (or a YAML control/check file) does not match its schema
  'NotFound', // an id, file or record that does not exist
  'Conflict', // a state transition that is not allowed now (e.g. muting a resolved finding)
  'AuthFailed', // credentials missing, wrong or expired (provider or Vigil itself)
  'PermissionDenied', // authenticated but not allowed
  'RateLimited', // a provider or Vigil said "slow down"
  'ProviderError', // a provider answered with a server error or an unusable response
  'Unreachable', // could not connect at all (refused, DNS, TLS, timeout)
  'IntegrityError', // evidence that does not verify: a hash, proof or signature mismatch
  'Internal', // a bug: something Vigil did not expect
] as const;

export type ErrorTag = (typeof errorTags)[number];

export interface VigilErrorOptions {
  /** Where the problem is: a file and path, a source name, a record id. */
  where?: string;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
  /** Extra machine-readable detail (never secrets). */
  details?: Record<string, unknown>;
}

export class VigilError extends Error {
  readonly _tag: ErrorTag;
  readonly where: string | undefined;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(tag: ErrorTag, message: string, options: VigilErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this._tag = tag;
    this.name = `VigilError(${tag})`;
    this.where = options.where;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** One line for a terminal: `where: message (hint)`. */
  oneLine(): string {
    const where = this.where ? `${this.where}: ` : '';
    const hint = this.hint ? ` — ${this.hint}` : '';
    return `${where}${this.message}${hint}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this._tag,
      message: this.message,
      ...(this.where ? { where: this.where } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const isVigilError = (e: unknown): e is VigilError => e instanceof VigilError;

/** HTTP status for each tag — the server's error handler uses only this table. */
export const httpStatus: Record<ErrorTag, number> = {
  InvalidInput: 400,
  InvalidConfig: 400,
  NotFound: 404,
  Conflict: 409,
  AuthFailed: 401,
  PermissionDenied: 403,
  RateLimited: 429,
  ProviderError: 502,
  Unreachable: 503,
  IntegrityError: 422,
  Internal: 500,
};

/**
 * CLI exit codes, documented in docs/cli.md. 0 is success; 1 means "the command ran and found
 * failures" (e.g. `vigil check --fail-on high`, `vigil evidence verify` on a bad bundle);
 * 2 and above say why the command itself could not do its work.
 */
export const exitCodes = {
  ok: 0,
  failuresFound: 1,
  usage: 2,
  config: 3,
  notFound: 4,
  auth: 5,
  unavailable: 6,
  integrity: 7,
  internal: 70,
} as const;

export const exitCodeFor: Record<ErrorTag, number> = {
  InvalidInput: exitCodes.usage,
  InvalidConfig: exitCodes.config,
  NotFound: exitCodes.notFound,
  Conflict: exitCodes.usage,
  AuthFailed: exitCodes.auth,
  PermissionDenied: exitCodes.auth,
  RateLimited: exitCodes.unavailable,
  ProviderError: exitCodes.unavailable,
  Unreachable: exitCodes.unavailable,
  IntegrityError: exitCodes.integrity,
  Internal: exitCodes.internal,
};

export const invalidInput = (message: string, options?: VigilErrorOptions) =>
  new VigilError('InvalidInput', message, options);
export const notFound = (message: string, options?: VigilErrorOptions) =>
  new VigilError('NotFound', message, options);
export const conflict = (message: string, options?: VigilErrorOptions) =>
  new VigilError('Conflict', message, options);
