/**
 * Event ingestion: CloudTrail-like management events (~1.2 KB of JSON each, generated from a seed
 * with the demo organization's people as the principals) arrive as the raw JSON text of a page, as
 * a provider would send it, and go through Vigil's real per-page ingestion — parse, de-duplicate
 * by key, append one `event` evidence record each, insert the events, move the cursor, in one
 * transaction (`ingestEventPage`, what collectEvents runs for every page). HTTP, the connector's
 * mapping and its schema validation are bypassed: the figure is Vigil's own cost per event.
 *
 * Limits measured in the same run, page by page in between the ingested pages so all see the same
 * machine at the same moments: `JSON.parse` of the same page text, and a bare COPY of the same
 * events (one JSON text per row) into a table with a single jsonb column.
 */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import copyStreams from 'pg-copy-streams';
import { rowsOf, type Database } from '../src/db/client.ts';
import { createWorkspaceRepo } from '../src/db/repositories/workspaces.ts';
import { createDemoOrg } from '../src/demo/org/org.ts';
import { createRng, type Rng } from '../src/demo/org/rng.ts';
import { ingestEventPage, type EventTarget } from '../src/engine/collect.ts';
import { createBlobStore } from '../src/evidence/blob-store.ts';
import { generateSigningKey } from '../src/evidence/keys.ts';
import { createEvidenceLog } from '../src/evidence/log.ts';
import { verifyStoredLog } from '../src/evidence/verify-log.ts';
import { systemClock } from '../src/lib/clock.ts';
import { result, runIfMain, type Scenario } from './lib.ts';

const EVENTS = { s: 20_000, m: 200_000, l: 1_000_000 } as const;
/** Events per page: an S3 CloudTrail log file or an Okta System Log page holds up to about this many. */
const PAGE = 1000;
const SEED = 20261126;
const GOAL = { postgres: 0.7, pglite: 0.5 } as const;

const ACTIONS = [
  ['signin.amazonaws.com', 'ConsoleLogin', false],
  ['iam.amazonaws.com', 'CreateAccessKey', false],
  ['iam.amazonaws.com', 'ListUsers', true],
  ['iam.amazonaws.com', 'AttachUserPolicy', false],
  ['ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', false],
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['s3.amazonaws.com', 'PutBucketPolicy', false],
  ['s3.amazonaws.com', 'GetBucketAcl', true],
  ['cloudtrail.amazonaws.com', 'DescribeTrails', true],
  ['sts.amazonaws.com', 'AssumeRole', true],
  ['kms.amazonaws.com', 'Decrypt', true],
  ['rds.amazonaws.com', 'ModifyDBInstance', false],
] as const;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const AGENTS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/iam.list-users',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  'terraform-provider-aws/5.44.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux',
];

const hex = (rng: Rng, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
};
const uuid = (rng: Rng) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${'89ab'[rng.int(0, 3)]}${hex(rng, 3)}-${hex(rng, 12)}`;
const upper = (rng: Rng, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[rng.int(0, 35)];
  return s;
};

/**
 * The events of page p, each as the JSON text CloudTrail writes (same field names and nesting as
 * the records in shared/data/events/aws-cloudtrail), and the page as a provider returns it.
 * Deterministic: page p depends only on the seed and p, so pages are made one at a time.
 */
export function cloudtrailPage(p: number, users: readonly { userName: string; accountId: string }[], start: number): { records: string[]; text: string } {
  const rng = createRng(SEED + p * 7919);
  const records: string[] = [];
  for (let j = 0; j < PAGE; j++) {
    const i = p * PAGE + j;
    const u = users[rng.int(0, users.length - 1)]!;
    const [eventSource, eventName, readOnly] = ACTIONS[rng.int(0, ACTIONS.length - 1)]!;
    const region = REGIONS[rng.int(0, REGIONS.length - 1)]!;
    const resourceId = `${eventName.toLowerCase().slice(0, 6)}-${hex(rng, 17)}`;
    const failed = rng.chance(0.04);
    const record = {
      eventVersion: '1.09',
      userIdentity: {
        type: 'IAMUser',
        principalId: `AIDA${upper(rng, 16)}`,
        arn: `arn:aws:iam::${u.accountId}:user/${u.userName}`,
        accountId: u.accountId,
        accessKeyId: `AKIA${upper(rng, 16)}`,
        userName: u.userName,
        sessionContext: { attributes: { creationDate: new Date(start + i * 1000 - 3_600_000).toISOString(), mfaAuthenticated: rng.chance(0.9) ? 'true' : 'false' } },
      },
      eventTime: new Date(start + i * 1000).toISOString().replace('.000Z', 'Z'),
      eventSource,
      eventName,
      awsRegion: region,
      sourceIPAddress: `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      userAgent: AGENTS[rng.int(0, AGENTS.length - 1)]!,
      requestParameters: { resourceId },
      responseElements: failed ? null : { requestId: uuid(rng), resourceArn: `arn:aws:${eventSource.split('.')[0]}:${region}:${u.accountId}:resource/${resourceId}`, status: 'ACTIVE' },
      ...(failed ? { errorCode: 'AccessDenied', errorMessage: `User: arn:aws:iam::${u.accountId}:user/${u.userName} is not authorized to perform: ${eventName}` } : {}),
      requestID: uuid(rng),
      eventID: uuid(rng),
      readOnly,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: u.accountId,
      eventCategory: 'Management',
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource.split('.')[0]}.${region}.amazonaws.com` },
    };
    records.push(JSON.stringify(record));
  }
  return { records, text: `{"Records":[${records.join(',')}]}` };
}

/** The demo organization's people as IAM users spread over a few AWS accounts. */
export function cloudtrailUsers(): { userName: string; accountId: string }[] {
  const org = createDemoOrg({ anchor: new Date('2026-01-01T00:00:00Z'), seed: SEED });
  const accounts = ['104729384756', '208374651920', '312098475612', '498127365041'];
  return org.people.map((p, i) => ({ userName: p.email.split('@')[0]!, accountId: accounts[i % accounts.length]! }));
}

/** A bare COPY of one JSON text per row into `bench_copy (data jsonb)`, the way each driver streams it. */
async function bareCopy(db: Database, records: string[]): Promise<void> {
  // COPY's text format: one row per line; JSON.stringify never writes a raw tab or newline, so
  // doubling the backslashes is the only escaping needed.
  const payload = `${records.map((r) => r.replaceAll('\\', '\\\\')).join('\n')}\n`;
  if (db.driver.kind === 'pglite') {
    await db.driver.client.query("COPY bench_copy (data) FROM '/dev/blob'", [], { blob: new Blob([payload]) });
    return;
  }
  const client = await db.driver.pool.connect();
  try {
    const stream = client.query(copyStreams.from('COPY bench_copy (data) FROM STDIN'));
    await pipeline(async function* () {
      yield Buffer.from(payload);
    }, stream as unknown as Writable);
  } finally {
    client.release();
  }
}

const rssMiB = () => process.memoryUsage.rss() / 2 ** 20;

export const ingest: Scenario = {
  name: 'ingest',
  description: `CloudTrail-like events (~1.2 KB) from raw page text through Vigil's per-page ingestion (ingestEventPage: parse, de-dup, evidence append, events insert, cursor; HTTP and connector mapping bypassed), ${PAGE} per page, vs JSON.parse of the same text and a bare COPY of the same events into a jsonb table`,
  fullScale: { size: 50_000_000, what: 'audit-log events a month' },
  async run({ db, scale, dir, note }) {
    const n = EVENTS[scale];
    const kind = db.kind;
    const users = cloudtrailUsers();
    const start = Date.parse('2026-01-01T00:00:00Z');
    const first = cloudtrailPage(0, users, start);
    const bytes = first.records.reduce((s, r) => s + Buffer.byteLength(r), 0) / first.records.length;
    note(`  ${n} events of ${Math.round(bytes)} bytes on average, ${PAGE} per page, ${users.length} users`);

    await db.orm.execute(sql`CREATE TABLE bench_copy (data jsonb NOT NULL)`);
    const ws = await createWorkspaceRepo(db.orm).ensure('bench', 'Bench');
    const blobs = createBlobStore({ dir: join(dir, 'blobs') });
    const { key } = generateSigningKey();
    const evidence = createEvidenceLog({ db, clock: systemClock, blobs, key });
    const target: EventTarget = { workspaceId: ws.id, source: 'aws', stream: 'aws.cloudtrail-events', key: 'eventID', time: 'eventTime' };

    let parseMs = 0;
    let copyMs = 0;
    let vigilMs = 0;
    let early = 0;
    let stored = 0;
    for (let p = 0; p * PAGE < n; p++) {
      const { records, text } = p === 0 ? first : cloudtrailPage(p, users, start);

      let t = performance.now();
      const parsed = JSON.parse(text) as { Records: unknown[] };
      parseMs += performance.now() - t;
      if (parsed.Records.length !== PAGE) throw new Error(`page ${p} parsed to ${parsed.Records.length} events`);

      t = performance.now();
      await bareCopy(db, records);
      copyMs += performance.now() - t;

      t = performance.now();
      const rows = (JSON.parse(text) as { Records: Record<string, unknown>[] }).Records;
      stored += await ingestEventPage({ db, clock: systemClock, evidence }, target, { rows, cursor: new Date(start + (p + 1) * PAGE * 1000).toISOString() });
      vigilMs += performance.now() - t;

      if (!early && (p + 1) * PAGE >= n / 10) early = rssMiB();
      if (p % 20 === 19) note(`  ingested ${(p + 1) * PAGE}`);
    }
    const late = rssMiB();

    // What the figure claims must be so: every event stored once, with its evidence, in a log that verifies.
    const [counted] = rowsOf<{ events: number; linked: number }>(
      await db.orm.execute(sql`SELECT count(*)::int AS events, count(evidence_id)::int AS linked FROM events WHERE workspace_id = ${ws.id}`),
    );
    if (stored !== n || counted?.events !== n || counted.linked !== n) throw new Error(`ingestion stored ${counted?.events} events (${counted?.linked} with evidence) of ${n}`);
    const report = await verifyStoredLog({ db, blobs, key }, ws.id);
    if (report.records !== n) throw new Error(`the evidence log holds ${report.records} records, not ${n}`);

    const perSec = (ms: number) => (n / ms) * 1000;
    const vigil = perSec(vigilMs);
    note(`  JSON.parse ${Math.round(perSec(parseMs))}/s; bare COPY ${Math.round(perSec(copyMs))}/s; Vigil ${Math.round(vigil)}/s; RSS ${early.toFixed(0)} MiB at 10 %, ${late.toFixed(0)} MiB at the end`);
    return [
      // JSON.parse of the same input has no goal of its own: it is shown beside the figure, never as
      // a row that could not fail.
      result({ scenario: 'ingest.vs-copy', db: kind, figure: vigil, unit: `events/s (JSON.parse alone ${Math.round(perSec(parseMs)).toLocaleString('en-US')}/s)`, limit: perSec(copyMs), goal: GOAL[kind], size: n }),
      // Flat memory: the RSS at 10 % of the events against the RSS after all of them (≥ 80 % means flat).
      result({ scenario: 'ingest.rss-flat', db: kind, figure: early, unit: `MiB early (${late.toFixed(0)} MiB at end)`, limit: late, goal: 0.8, size: n }),
    ];
  },
};

await runIfMain(import.meta.url, ingest);
