/**
 * The recorded AWS exchanges as routes of the SDK's generic fixture server, so the connector runs
 * the shared contract kit (describeConnectorContract): query-protocol operations are told apart
 * by their form fields (`Action=`, `Version=` and the parameters), JSON 1.1 ones by the
 * `X-Amz-Target` header and the JSON body's fields, REST ones by method, path and query. Also the
 * AWS side of the kit's options: each service's error, throttling and malformed answers in its own
 * wire format, and what one listing call is.
 */
import { readFileSync } from 'node:fs';
import type { FieldMatcher, FixtureReply, FixtureRoute, RecordedRequest } from '../../sdk/testing/index.ts';
import type { AwsExchange, AwsReply, FixtureService } from './aws-fixture-server.ts';
import { fixturesDir } from './aws-fixture-server.ts';

type Protocol = 'query' | 'json' | 'rest-xml' | 'rest-json';

const protocol: Record<FixtureService, Protocol> = {
  iam: 'query',
  sts: 'query',
  ec2: 'query',
  rds: 'query',
  cloudtrail: 'json',
  logs: 'json',
  s3: 'rest-xml',
  backup: 'rest-json',
};

const contentType: Record<Protocol, string> = {
  query: 'text/xml',
  json: 'application/x-amz-json-1.1',
  'rest-xml': 'application/xml',
  'rest-json': 'application/json',
};

/** `*` in a recorded exchange accepts any value (a time the run computes). */
const value = (v: string): FieldMatcher => (v === '*' ? /^[\s\S]*$/ : v);
const values = (params: Record<string, string> | undefined) => Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, value(v)]));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The SDK adds `x-id=<Operation>` to some S3 requests; the recorded exchanges leave it out. */
const s3OperationIds: Record<string, string> = { 'GET /': 'ListBuckets' };

function replyOf(service: FixtureService, r: AwsReply): FixtureReply {
  return {
    status: r.status ?? 200,
    headers: { 'content-type': contentType[protocol[service]], ...r.headers },
    raw: r.file ? readFileSync(new URL(r.file, fixturesDir), 'utf8') : (r.body ?? ''),
  };
}

function routeOf(x: AwsExchange): FixtureRoute {
  const replies = (Array.isArray(x.reply) ? x.reply : [x.reply]).map((r) => replyOf(x.service, r));
  const reply = replies.length === 1 ? replies[0]! : replies;
  const common = { name: `${x.service} ${x.operation}`, reply, ...(x.repeat ? { repeat: true } : {}) };
  switch (protocol[x.service]) {
    case 'query':
      return { ...common, method: 'POST', path: `/${x.service}/`, form: { Action: x.operation, Version: /^\d{4}-\d{2}-\d{2}$/, ...values(x.params) } };
    case 'json':
      return { ...common, method: 'POST', path: `/${x.service}/`, headers: { 'x-amz-target': new RegExp(`\\.${escapeRegExp(x.operation)}$`) }, json: values(x.params) };
    default: {
      const [method, path] = x.operation.split(' ') as [string, string];
      const id = x.service === 's3' ? s3OperationIds[x.operation] : undefined;
      return { ...common, method, path: `/${x.service}${path}`, query: { ...values(x.params), ...(id ? { 'x-id': id } : {}) } };
    }
  }
}

/**
 * One route per distinct request. A request a full collection makes more than once (IAM
 * ListUsers, once per IAM listing) becomes one route answering every time.
 */
export function contractRoutes(exchanges: readonly AwsExchange[]): FixtureRoute[] {
  const seen = new Map<string, number>();
  const out: AwsExchange[] = [];
  for (const x of exchanges) {
    const id = `${x.service} ${x.operation} ${JSON.stringify(x.params ?? {})}`;
    const at = seen.get(id);
    if (at === undefined) {
      seen.set(id, out.length);
      out.push(x);
    } else out[at] = { ...out[at]!, repeat: true };
  }
  return out.map(routeOf);
}

const serviceOf = (request: RecordedRequest) => request.path.split('/')[1] as FixtureService;
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An error answer as the service sends it: query-protocol, EC2 or S3 XML, or JSON with `__type`. */
export function awsError(service: FixtureService, status: number, code: string, message: string): FixtureReply {
  const p = protocol[service];
  const headers = { 'content-type': contentType[p] };
  if (p === 'json' || p === 'rest-json') return { status, headers: { ...headers, 'x-amzn-errortype': code }, raw: JSON.stringify({ __type: code, message }) };
  if (service === 'ec2') return { status, headers, raw: `<Response><Errors><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error></Errors><RequestID>contract</RequestID></Response>` };
  if (service === 's3') return { status, headers, raw: `<Error><Code>${code}</Code><Message>${xml(message)}</Message><RequestId>contract</RequestId></Error>` };
  return { status, headers, raw: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>contract</RequestId></ErrorResponse>` };
}

/** The kit's scenarios (401, 403, 429, 500) as the AWS error codes that mean them. */
export function contractErrorReply(status: 401 | 403 | 429 | 500, message: string, request: RecordedRequest): FixtureReply {
  const service = serviceOf(request);
  const json = protocol[service] === 'json' || protocol[service] === 'rest-json';
  const code = { 401: 'InvalidClientTokenId', 403: 'AccessDenied', 429: json ? 'ThrottlingException' : 'Throttling', 500: service === 's3' ? 'InternalError' : 'InternalFailure' }[status];
  return awsError(service, status, code, message);
}

/** Throttling as each service answers it: IAM/STS 400 Throttling, EC2 503 RequestLimitExceeded, S3 503 SlowDown, JSON 400 ThrottlingException. */
export function throttlingReply(message: string, request: RecordedRequest): FixtureReply {
  const service = serviceOf(request);
  if (service === 'ec2') return awsError(service, 503, 'RequestLimitExceeded', message);
  if (service === 's3') return awsError(service, 503, 'SlowDown', message);
  return awsError(service, 400, protocol[service] === 'json' || protocol[service] === 'rest-json' ? 'ThrottlingException' : 'Throttling', message);
}

/** A truncated answer in the service's own format (XML cut inside an element, JSON cut inside an array). */
export function malformedReply(request: RecordedRequest): FixtureReply {
  const p = protocol[serviceOf(request)];
  const raw = p === 'json' || p === 'rest-json' ? '{"items": [{"id": "1"}, ' : '<?xml version="1.0" encoding="UTF-8"?><Response><Result><member><Name>cut off';
  return { status: 200, headers: { 'content-type': contentType[p] }, raw };
}

/** Errors name the endpoint a service was called at: the fixture server's URL and the service's path. */
export const endpointOf = (request: RecordedRequest, baseUrl: string) => `${baseUrl}/${serviceOf(request)}`;

/** One listing call: the service path and the operation (a form's Action, the X-Amz-Target), or the REST path. */
export function operationOf(request: RecordedRequest): string {
  switch (protocol[serviceOf(request)]) {
    case 'query':
      return `${request.path} ${new URLSearchParams(request.body).get('Action') ?? ''}`;
    case 'json':
      return `${request.path} ${request.headers['x-amz-target'] ?? ''}`;
    default:
      return request.path;
  }
}
