/**
 * What a provider said went wrong. Providers put their error code and message in different places
 * (GitHub `message`, Okta `errorCode`/`errorSummary`, OAuth `error`/`error_description`, RFC 9457
 * `type`/`title`/`detail`, Google `error.status`/`error.message`); the default reader knows the
 * common shapes and a connector may pass its own.
 */

export interface ProviderProblem {
  /** A machine-readable code, e.g. `E0000006`, `plan_upgrade_required`. */
  code?: string;
  /** The provider's human-readable message. */
  message?: string;
}

export type ProblemReader = (body: unknown) => ProviderProblem;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

export const readProblem: ProblemReader = (body) => {
  if (typeof body === 'string') return { message: str(body.slice(0, 300)) };
  if (body === null || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const nested = b.error !== null && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  const firstError = Array.isArray(b.errors) && b.errors[0] && typeof b.errors[0] === 'object' ? (b.errors[0] as Record<string, unknown>) : undefined;
  const code =
    str(b.errorCode) ??
    str(b.code) ??
    str(nested?.code) ??
    str(nested?.status) ??
    str(firstError?.code) ??
    // OAuth 2.0 (RFC 6749 §5.2) puts its code in `error` as a string.
    (nested === undefined ? str(b.error) : undefined) ??
    str(b.type);
  const message =
    str(b.errorSummary) ??
    str(b.message) ??
    str(nested?.message) ??
    str(b.error_description) ??
    str(b.detail) ??
    str(firstError?.message) ??
    str(b.title);
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
};
