/**
 * AWS SDK errors as Vigil's tagged errors. The SDK reports a provider's answer as an exception
 * named for the AWS error code (with `$metadata.httpStatusCode`), a body it could not parse as a
 * plain error with `$metadata` and a hidden `$response`, and network failures as Node errors. The
 * code decides before the status does: IAM answers an expired session token with 403
 * `ExpiredToken`, which is a credentials problem, not a missing permission.
 *
 * Messages carry the service, operation and the provider's own message, never the request (its
 * signature and any session token). The SDK error is not kept as the cause, because its hidden
 * fields hold the raw request and response.
 */
import { VigilError, isVigilError, type ErrorTag } from '../../lib/errors.ts';
import { networkFailureWords } from '../sdk/http/errors.ts';

export interface AwsCall {
  /** `IAM`, `S3`, `EC2`, … as AWS names the service. */
  service: string;
  operation: string;
  region?: string;
  /** A configured (non-AWS) endpoint, named in messages so a wrong one is easy to spot. */
  endpoint?: string;
  /** The source, for `where`. */
  where: string;
}

/** Codes that mean the credentials themselves are missing, wrong or expired. */
const authCodes = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'InvalidAccessKeyId',
  'InvalidToken',
  'TokenRefreshRequired',
  'MissingAuthenticationToken',
  'RequestExpired',
]);

/** Codes that mean authenticated, but this call is not allowed. */
const deniedCodes = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'AuthorizationError', 'AllAccessDisabled', 'Forbidden']);

/** Throttling codes across services (left after the SDK's retries). */
const throttleCodes = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
]);

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number; body?: unknown; headers?: Record<string, string> };
}

/** The AWS error code of an SDK error (`NoSuchEntity`, `AccessDenied`), if the provider sent one. */
export function awsErrorCode(e: unknown): string | undefined {
  if (isVigilError(e)) return typeof e.details?.providerCode === 'string' ? e.details.providerCode : undefined;
  const x = e as SdkError | null;
  if (!x || typeof x !== 'object' || !x.$fault) return undefined;
  const code = x.Code ?? x.name;
  return code && code !== 'Unknown' && code !== 'Error' ? code : undefined;
}

/** Whether an error (mapped or not) carries one of these AWS error codes. */
export const hasAwsCode = (e: unknown, ...codes: string[]) => {
  const code = awsErrorCode(e);
  return code !== undefined && codes.includes(code);
};

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Text of a body the SDK could not parse (an HTML page, a proxy's JSON), for the message. */
function unparsedBody(x: SdkError): string | undefined {
  const body = x.$response?.body;
  if (typeof body !== 'string') return undefined;
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text ? clip(text) : undefined;
}

function label(call: AwsCall): string {
  const at = call.endpoint ? ` at ${call.endpoint}` : call.region ? ` in ${call.region}` : '';
  return `${call.service} ${call.operation}${at}`;
}

const hints: Record<ErrorTag, string> = {
  AuthFailed: 'check the access key in the source config (or the role the process runs with): it may be wrong, deactivated or expired',
  PermissionDenied: "grant the read permission this connector's docs list for it (the SecurityAudit managed policy covers all of them)",
  RateLimited: 'AWS kept throttling after the retries; the next scheduled collection will try again, or raise maxAttempts',
  NotFound: 'check the region and endpoint in the source config',
  ProviderError: 'AWS (or whatever answers at the endpoint) sent an unusable answer; check the endpoint and any proxy in between',
  Unreachable: 'check the endpoint, the network path to AWS and any proxy; the next collection will try again',
  Internal: 'this is a bug in the AWS connector; please report it with this message',
  InvalidInput: '',
  InvalidConfig: 'check the source config',
  Conflict: '',
  IntegrityError: '',
};

function tagged(tag: ErrorTag, call: AwsCall, what: string, details: Record<string, unknown>): VigilError {
  return new VigilError(tag, `${label(call)}: ${what}`, {
    where: call.where,
    ...(hints[tag] ? { hint: hints[tag] } : {}),
    details: { service: call.service, operation: call.operation, ...(call.region ? { region: call.region } : {}), ...details },
  });
}

/** Map anything an SDK call threw; an aborted run's reason passes through unchanged. */
export function mapAwsError(e: unknown, call: AwsCall, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if (isVigilError(e)) return e;
  const x = (e ?? {}) as SdkError;
  const status = x.$metadata?.httpStatusCode ?? x.$response?.statusCode;
  const requestId = x.$metadata?.requestId;
  const base = { ...(status !== undefined ? { status } : {}), ...(requestId ? { requestId } : {}) };

  if (x.name === 'CredentialsProviderError') {
    return tagged('AuthFailed', call, 'no AWS credentials: the source config has none and the default provider chain found none', {
      ...base,
      providerMessage: clip(x.message ?? ''),
    });
  }
  const network = networkFailureWords(x.code);
  if (x.name === 'TimeoutError' || network) {
    const what = network ?? 'no answer within the request timeout';
    return tagged('Unreachable', call, `could not reach AWS: ${what}`, { ...base, ...(x.code ? { code: x.code } : {}) });
  }
  if (x.$fault) {
    const code = awsErrorCode(x);
    const said = x.message && x.message !== 'Unknown' && x.message !== code ? x.message : undefined;
    const details = { ...base, ...(code ? { providerCode: code } : {}), ...(said ? { providerMessage: clip(said) } : {}) };
    const suffix = `(${status ?? 'no status'}${code ? ` ${code}` : ''})${said ? `: ${clip(said)}` : ''}`;
    if (code && authCodes.has(code)) return tagged('AuthFailed', call, `AWS rejected the credentials ${suffix}`, details);
    if (code && deniedCodes.has(code)) return tagged('PermissionDenied', call, `permission denied ${suffix}`, details);
    if ((code && throttleCodes.has(code)) || status === 429) return tagged('RateLimited', call, `throttled by AWS ${suffix}`, details);
    return byStatus(call, status, suffix, details);
  }
  if (x.$metadata || x.$response) {
    // The SDK could not parse the body: a proxy's page, a truncated answer, a foreign error format.
    const body = unparsedBody(x);
    const details = { ...base, ...(body ? { providerMessage: body } : {}) };
    if (status !== undefined && (status < 200 || status >= 300)) return byStatus(call, status, `(${status}, not an AWS error body)${body ? `: ${body}` : ''}`, details);
    const why = clip((x.message ?? '').split('\n')[0] ?? '');
    return tagged('ProviderError', call, `the answer could not be read as an AWS response (${status ?? 'no status'}): ${why}`, details);
  }
  return tagged('Internal', call, `the AWS SDK failed: ${x.name ?? 'Error'}: ${clip(x.message ?? String(e))}`, base);
}

function byStatus(call: AwsCall, status: number | undefined, suffix: string, details: Record<string, unknown>): VigilError {
  if (status === 401) return tagged('AuthFailed', call, `AWS rejected the credentials ${suffix}`, details);
  if (status === 403) return tagged('PermissionDenied', call, `permission denied ${suffix}`, details);
  if (status === 404) return tagged('NotFound', call, `not found ${suffix}`, details);
  if (status === 429) return tagged('RateLimited', call, `throttled by AWS ${suffix}`, details);
  const what = status !== undefined && status >= 500 ? `AWS failed ${suffix}` : `AWS refused the request ${suffix}`;
  return tagged('ProviderError', call, what, details);
}
