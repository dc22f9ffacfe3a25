/**
 * The SDK's fixture server, taught to tell AWS requests apart. Query-protocol services (IAM, STS,
 * EC2, RDS) post every operation to the same path with the action in a form body, and the JSON 1.1
 * services (CloudTrail, CloudWatch Logs) name it in the X-Amz-Target header, so matching on method and path alone cannot tell
 * ListUsers from ListAccessKeys. Each service gets a path of its own (`/iam/`, `/s3/`, …) and a
 * responder that matches an exchange by operation and parameters, replies with the recorded wire
 * response (XML or JSON, as AWS sends it), and keeps any request no exchange expects; `verify()`
 * fails on those and on any recorded reply never asked for.
 */
import { readFileSync } from 'node:fs';
import { startFixtureServer, type FixtureReply, type FixtureRoute, type FixtureServer } from '../../sdk/testing/index.ts';

export type FixtureService = 'iam' | 'sts' | 'ec2' | 'rds' | 'cloudtrail' | 's3' | 'backup' | 'logs';

const protocol: Record<FixtureService, 'query' | 'json' | 'rest-xml' | 'rest-json'> = {
  iam: 'query',
  sts: 'query',
  ec2: 'query',
  rds: 'query',
  cloudtrail: 'json',
  s3: 'rest-xml',
  backup: 'rest-json',
  logs: 'json',
};

const contentType: Record<(typeof protocol)[FixtureService], string> = {
  query: 'text/xml',
  json: 'application/x-amz-json-1.1',
  'rest-xml': 'application/xml',
  'rest-json': 'application/json',
};

export interface AwsReply {
  status?: number;
  /** A file in __fixtures__/ sent verbatim. */
  file?: string;
  /** A body sent verbatim. */
  body?: string;
  headers?: Record<string, string>;
}

export interface AwsExchange {
  service: FixtureService;
  /**
   * Query and JSON services: the operation (`ListUsers`). REST services: method and path below the
   * service prefix (`GET /amzn-s3-demo-bucket/`).
   */
  operation: string;
  /**
   * The parameters the request must carry — exactly these (besides Action and Version): form fields,
   * top-level JSON body fields, or the query string of a REST request. `*` accepts any value.
   */
  params?: Record<string, string>;
  /** One reply, or several used in order. */
  reply: AwsReply | AwsReply[];
  /** Keep answering with the last reply. */
  repeat?: boolean;
}

export interface AwsRequest {
  service: FixtureService;
  operation: string;
  params: Record<string, string>;
  headers: Record<string, string>;
}

export interface AwsFixtureServer {
  url: string;
  /** Every request, as service, operation and parameters, in order. */
  readonly requests: AwsRequest[];
  readonly unexpected: AwsRequest[];
  pending(): string[];
  verify(): void;
  close(): Promise<void>;
  inner: FixtureServer;
}

export const fixturesDir = new URL('./', import.meta.url);
const load = (file: string) => readFileSync(new URL(file, fixturesDir), 'utf8');

/** A config pointing every service at the fixture server. */
export const endpointsAt = (url: string) =>
  Object.fromEntries((Object.keys(protocol) as FixtureService[]).map((s) => [s, `${url}/${s}`])) as Record<FixtureService, string>;

function readRequest(service: FixtureService, method: string, path: string, query: Record<string, string>, body: string, headers: Record<string, string>): AwsRequest {
  switch (protocol[service]) {
    case 'query': {
      const form = Object.fromEntries(new URLSearchParams(body));
      const { Action, Version: _v, ...params } = form;
      return { service, operation: Action ?? '(no Action)', params, headers };
    }
    case 'json': {
      const target = headers['x-amz-target'] ?? '';
      const parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const params = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      return { service, operation: target.slice(target.lastIndexOf('.') + 1), params, headers };
    }
    default: {
      const { 'x-id': _x, ...params } = query;
      return { service, operation: `${method} ${path.slice(service.length + 1)}`, params, headers };
    }
  }
}

const matches = (want: Record<string, string> | undefined, got: Record<string, string>) => {
  const w = want ?? {};
  const keys = Object.keys(got);
  return keys.length === Object.keys(w).length && keys.every((k) => k in w && (w[k] === '*' || w[k] === got[k]));
};

function errorReply(service: FixtureService, message: string): FixtureReply {
  const p = protocol[service];
  if (p === 'json' || p === 'rest-json') return { status: 400, headers: { 'content-type': contentType[p] }, raw: JSON.stringify({ __type: 'VigilFixtureUnexpected', message }) };
  const xml = `<ErrorResponse><Error><Type>Sender</Type><Code>VigilFixtureUnexpected</Code><Message>${message.replace(/[<&]/g, ' ')}</Message></Error><RequestId>fixture</RequestId></ErrorResponse>`;
  return { status: 400, headers: { 'content-type': contentType[p] }, raw: xml };
}

export async function startAwsFixtureServer(exchanges: readonly AwsExchange[]): Promise<AwsFixtureServer> {
  const state = exchanges.map((x) => ({ x, replies: Array.isArray(x.reply) ? x.reply : [x.reply], used: 0 }));
  const requests: AwsRequest[] = [];
  const unexpected: AwsRequest[] = [];
  const label = (x: AwsExchange) => `${x.service} ${x.operation}${x.params ? ` ${JSON.stringify(x.params)}` : ''}`;

  const respond =
    (service: FixtureService) =>
    (req: { method: string; path: string; query: Record<string, string>; body: string; headers: Record<string, string> }): FixtureReply => {
      let r: AwsRequest;
      try {
        r = readRequest(service, req.method, req.path, req.query, req.body, req.headers);
      } catch (e) {
        return errorReply(service, `fixture server could not read the request: ${(e as Error).message}`);
      }
      requests.push(r);
      const s = state.find((s) => s.x.service === service && s.x.operation === r.operation && matches(s.x.params, r.params) && (s.used < s.replies.length || s.x.repeat));
      if (!s) {
        unexpected.push(r);
        return errorReply(service, `no exchange expects ${r.operation} ${JSON.stringify(r.params)}`);
      }
      const reply = s.replies[Math.min(s.used, s.replies.length - 1)]!;
      s.used++;
      return {
        status: reply.status ?? 200,
        headers: { 'content-type': contentType[protocol[service]], ...reply.headers },
        raw: reply.file ? load(reply.file) : (reply.body ?? ''),
      };
    };

  // One route per distinct path: the service prefix for query/JSON, each REST path as recorded.
  const routes = new Map<string, FixtureRoute>();
  for (const x of exchanges) {
    const p = protocol[x.service];
    const [method, path] = p === 'query' || p === 'json' ? ['POST', `/${x.service}/`] : [x.operation.split(' ')[0]!, `/${x.service}${x.operation.split(' ')[1]}`];
    const key = `${method} ${path}`;
    if (!routes.has(key)) routes.set(key, { name: key, method, path, reply: respond(x.service), repeat: true });
  }
  const inner = await startFixtureServer([...routes.values()]);
  const pending = () => state.filter((s) => s.used < s.replies.length).map((s) => `${label(s.x)}: ${s.replies.length - s.used} of ${s.replies.length} replies never requested`);
  // Requests to a path no exchange names never reach a responder: read them here.
  const unrouted = () =>
    inner.unexpected.map((r) => {
      const service = r.path.split('/')[1] as FixtureService;
      return service in protocol ? readRequest(service, r.method, r.path, r.query, r.body, r.headers) : { service, operation: `${r.method} ${r.path}`, params: r.query, headers: r.headers };
    });
  return {
    url: inner.url,
    requests,
    get unexpected() {
      return [...unexpected, ...unrouted()];
    },
    pending,
    inner,
    verify() {
      inner.assertNoUnexpected();
      if (unexpected.length) throw new Error(`requests no exchange expects:\n  ${unexpected.map((r) => `${r.service} ${r.operation} ${JSON.stringify(r.params)}`).join('\n  ')}`);
      const left = pending();
      if (left.length) throw new Error(`recorded replies never requested:\n  ${left.join('\n  ')}`);
    },
    close: () => inner.close(),
  };
}
