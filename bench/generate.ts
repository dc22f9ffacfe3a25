/**
 * A deterministic inventory at benchmark scale, built on the demo organization (its names,
 * departments, repositories, AWS account and GitHub organization) and grown to the proportions of
 * the large customer in issue 7: 20 000 people, 2 000 repositories, 500 000 cloud resources. Scale
 * `s` is 5 000 cloud resources (200 people, 20 repositories), `m` 50 000 (2 000, 200), `l` 250 000
 * (10 000, 1 000).
 *
 * Every row has the shape its connector stores (bench/generate.test.ts parses each type with the
 * connector's own zod schema), with a realistic share of failures planted, so that the built-in
 * checks really judge them. Rows are produced page by page from (seed, type, index, version):
 * nothing is held in memory, and the same arguments always give the same rows.
 *
 * Change rounds: in round r ≥ 1, exactly one row in a hundred of every type gets a new version
 * (a different content under the same key) — the "1 % changed" snapshots of the benchmarks.
 *
 * The rows are written through the engine's own inventory upsert (`collectRows`, the write path of
 * a collection run) without the providers' HTTP: at these volumes the simulated APIs, not Vigil,
 * would be what is measured.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';
import { sources } from '../src/db/schema/sources.ts';
import type { SourceConfig } from '../src/core/config/schema.ts';
import type { Row } from '../src/connectors/sdk/index.ts';
import type { BlobStore } from '../src/evidence/blob-store.ts';
import type { EvidenceLog } from '../src/evidence/log.ts';
import { collectRows } from '../src/engine/collect.ts';
import { syncSources } from '../src/engine/sources.ts';
import type { Clock } from '../src/lib/clock.ts';
import { DAY_MS } from '../src/lib/clock.ts';
import { DEMO_DOMAIN } from '../src/demo/org/org.ts';
import { departments, firstNames, lastNames, repoNames } from '../src/demo/org/names.ts';
import { createRng, type Rng } from '../src/demo/org/rng.ts';
import { DEMO_AWS_ACCOUNT } from '../src/demo/providers/aws-model.ts';
import { DEMO_GITHUB_ORG } from '../src/demo/providers/github-model.ts';
import type { Scale } from './lib.ts';

export const CLOUD_RESOURCES: Record<Scale, number> = { s: 5_000, m: 50_000, l: 250_000 };

/** The full size, whose proportions every scale keeps. */
const FULL = { people: 20_000, repos: 2_000, cloud: 500_000 };

export interface GeneratedType {
  /** The source name (one per connector) and the stored type name. */
  source: string;
  type: string;
  primaryKey: string | readonly string[];
  /** How many "units" the type iterates (rows, or people for factors). */
  units: number;
  /** The rows of this type in change round `round`, in pages. */
  pages(round: number, pageSize?: number): Generator<Row[]>;
}

export interface GeneratedOrg {
  scale: Scale;
  seed: number;
  anchor: Date;
  counts: { people: number; repos: number; cloud: number; accounts: number };
  sources: SourceConfig[];
  types: GeneratedType[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);
const pad = (n: number, w = 8) => String(n).padStart(w, '0');

/** A 32-bit mix of integers, so each row's randomness is independent of every other's. */
function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Whether row `i` gets a new version in round `r` (exactly one row in a hundred per round). */
export const changedIn = (i: number, r: number) => r >= 1 && (i + 37 * r) % 100 === 0;
/** How many times row `i` has changed up to round `round`. */
const versionOf = (i: number, round: number) => {
  let v = 0;
  for (let r = 1; r <= round; r++) if (changedIn(i, r)) v++;
  return v;
};

const typeSalt = (type: string) => mix(...[...type].map((c) => c.charCodeAt(0)));

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'] as const;

export function generateOrg(scale: Scale, options: { seed?: number; anchor?: Date; hrPath?: string } = {}): GeneratedOrg {
  const seed = options.seed ?? 7;
  // Dates are relative to the anchor (default: today, 00:00 UTC) so age-based checks see ages.
  const anchor = options.anchor ?? new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const now = anchor.getTime();
  const cloud = CLOUD_RESOURCES[scale];
  const people = Math.round((cloud * FULL.people) / FULL.cloud);
  const repos = Math.max(1, Math.round((cloud * FULL.repos) / FULL.cloud));
  const accounts = Math.max(1, Math.round(cloud / 5_000));
  const share = (p: number) => Math.max(1, Math.round(cloud * p));

  const account = (a: number) => (a === 0 ? DEMO_AWS_ACCOUNT : String(100_000_000_000 + mix(seed, a) % 899_999_999_999));
  const person = (i: number) => {
    const r = createRng(mix(seed, 1, i));
    const first = firstNames[i % firstNames.length]!;
    const last = lastNames[Math.floor(i / firstNames.length) % lastNames.length]!;
    const email = `${first}.${last}.${i}@${DEMO_DOMAIN}`.toLowerCase();
    const dept = departments[r.int(0, departments.length - 1)]!;
    const start = now - r.int(30, 2_000) * DAY_MS;
    return { email, first, last, name: `${first} ${last}`, dept: dept.name, start, login: `${first}-${last}-${i}`.toLowerCase(), ghId: 10_000_000 + i };
  };
  const repoName = (i: number) => `${DEMO_GITHUB_ORG}/${repoNames[i % repoNames.length]!}-${i}`;

  /** A type of `count` rows, each built from a stable identity rng and a per-version state rng. */
  const rowsType = (source: string, type: string, primaryKey: string | readonly string[], count: number, build: (i: number, id: Rng, state: Rng, v: number) => Row | Row[] | undefined): GeneratedType => {
    const salt = typeSalt(type);
    return {
      source,
      type,
      primaryKey,
      units: count,
      *pages(round, pageSize = 500) {
        let page: Row[] = [];
        for (let i = 0; i < count; i++) {
          const v = versionOf(i, round);
          const made = build(i, createRng(mix(seed, salt, i)), createRng(mix(seed, salt, i, v + 1)), v);
          if (made === undefined) continue;
          if (Array.isArray(made)) page.push(...made);
          else page.push(made);
          if (page.length >= pageSize) {
            yield page;
            page = [];
          }
        }
        if (page.length) yield page;
      },
    };
  };

  const oktaStatus = (s: Rng) => (s.chance(0.03) ? 'DEPROVISIONED' : s.chance(0.01) ? 'SUSPENDED' : 'ACTIVE');

  const types: GeneratedType[] = [
    // People: HR is the roster, Okta the accounts, GitHub the code host's members.
    rowsType('hr', 'hris-csv.employees', 'email', people, (i, _id, s) => {
      const p = person(i);
      const left = s.chance(0.02);
      return {
        email: p.email,
        name: p.name,
        department: p.dept,
        managerEmail: i === 0 ? null : person(Math.floor(i / 8)).email,
        startDate: day(p.start),
        terminationDate: left ? day(now - s.int(1, 200) * DAY_MS) : null,
        githubLogin: i % 10 < 7 ? p.login : null,
      };
    }),
    rowsType('okta', 'okta.users', 'id', people, (i, _id, s, v) => {
      const p = person(i);
      const status = oktaStatus(s);
      const lastLogin = s.chance(0.97) ? now - s.int(0, 120) * DAY_MS : null;
      return {
        id: `00u${pad(i)}`,
        login: p.email,
        email: p.email,
        firstName: p.first,
        lastName: p.last,
        department: p.dept,
        status,
        created: iso(p.start - DAY_MS),
        activated: iso(p.start),
        statusChanged: status === 'ACTIVE' ? null : iso(now - s.int(1, 100) * DAY_MS),
        deactivated: status === 'DEPROVISIONED' ? iso(now - s.int(1, 100) * DAY_MS) : null,
        lastLogin: lastLogin === null ? null : iso(lastLogin),
        lastUpdated: iso(now - (v + 1) * 3_600_000),
        passwordChanged: iso(now - s.int(1, 300) * DAY_MS),
      };
    }),
    // Factors are listed per user: a change round re-draws every factor of a changed user.
    rowsType('okta', 'okta.factors', ['userId', 'id'], people, (i, _id, s) => {
      const p = person(i);
      const n = s.chance(0.04) ? 0 : s.chance(0.6) ? 1 : 2;
      return Array.from({ length: n }, (_, k) => {
        const type = k === 0 ? (s.chance(0.05) ? 'question' : 'push') : 'webauthn';
        return {
          id: `fct${pad(i)}${k}`,
          userId: `00u${pad(i)}`,
          userLogin: p.email,
          factorType: type,
          provider: type === 'webauthn' ? 'FIDO' : 'OKTA',
          vendorName: type === 'webauthn' ? 'FIDO' : 'OKTA',
          status: s.chance(0.04) ? 'PENDING_ACTIVATION' : 'ACTIVE',
          created: iso(p.start + DAY_MS),
          lastUpdated: iso(p.start + 2 * DAY_MS),
        };
      });
    }),
    rowsType('github', 'github.members', 'login', people, (i, _id, s) => {
      if (i % 10 >= 7) return undefined;
      const p = person(i);
      return { login: p.login, id: p.ghId, role: i % 50 === 0 ? 'admin' : 'member', twoFactorEnabled: !s.chance(0.03), email: null, siteAdmin: false };
    }),
    // Repositories and their default branch's protection.
    rowsType('github', 'github.repositories', 'fullName', repos, (i, id, s) => {
      const fullName = repoName(i);
      return {
        fullName,
        name: fullName.split('/')[1]!,
        id: 500_000_000 + i,
        private: true,
        visibility: 'private',
        archived: s.chance(0.03),
        fork: false,
        defaultBranch: 'main',
        createdAt: iso(now - id.int(100, 3_000) * DAY_MS),
        pushedAt: iso(now - s.int(0, 60) * DAY_MS),
        htmlUrl: `https://github.com/${fullName}`,
      };
    }),
    rowsType('github', 'github.branch-protections', 'repository', repos, (i, _id, s) => {
      const on = !s.chance(0.08);
      return {
        repository: repoName(i),
        branch: 'main',
        branchExists: true,
        protected: on,
        classicProtection: on,
        rulesetIds: [],
        requiredApprovingReviews: on ? (s.chance(0.05) ? 0 : s.int(1, 2)) : 0,
        dismissStaleReviews: on && !s.chance(0.1),
        requireCodeOwnerReviews: on && s.chance(0.3),
        forcePushesBlocked: on && !s.chance(0.05),
        deletionsBlocked: on,
        adminsIncluded: on && !s.chance(0.15),
        requiredStatusChecks: on ? ['ci/test'] : [],
      };
    }),
    // The cloud, over `accounts` AWS accounts (the demo's account first).
    rowsType('aws', 'aws.password-policy', 'accountId', accounts, (a, _id, s) => {
      const configured = !s.chance(0.1);
      const bool = () => (configured ? !s.chance(0.1) : null);
      return {
        accountId: account(a),
        configured,
        minimumPasswordLength: configured ? s.pick([8, 12, 14, 16]) : null,
        requireSymbols: bool(),
        requireNumbers: bool(),
        requireUppercaseCharacters: bool(),
        requireLowercaseCharacters: bool(),
        allowUsersToChangePassword: bool(),
        expirePasswords: configured ? false : null,
        maxPasswordAge: null,
        passwordReusePrevention: configured ? 24 : null,
        hardExpiry: configured ? false : null,
      };
    }),
    rowsType('aws', 'aws.cloudtrail-trails', 'trailArn', accounts, (a, _id, s) => ({
      trailArn: `arn:aws:cloudtrail:us-east-1:${account(a)}:trail/org-trail`,
      name: 'org-trail',
      homeRegion: 'us-east-1',
      isMultiRegion: !s.chance(0.1),
      isOrganizationTrail: false,
      includeGlobalServiceEvents: true,
      logFileValidation: !s.chance(0.1),
      s3BucketName: `trail-logs-${account(a)}`,
      kmsKeyId: null,
      cloudWatchLogsLogGroupArn: null,
      isLogging: !s.chance(0.05),
      latestDeliveryTime: iso(now - 3_600_000),
      latestDeliveryError: null,
      managementEvents: 'all',
    })),
    rowsType('aws', 'aws.credential-report', 'arn', share(0.1), (i, id, s) => {
      const a = i % accounts;
      const root = i < accounts;
      const user = root ? '<root_account>' : `svc-${pad(i, 6)}`;
      const key1 = !root && s.chance(0.6);
      return {
        arn: root ? `arn:aws:iam::${account(a)}:root` : `arn:aws:iam::${account(a)}:user/${user}`,
        user,
        isRoot: root,
        userCreationTime: iso(now - id.int(100, 2_000) * DAY_MS),
        passwordEnabled: root ? null : s.chance(0.3),
        passwordLastUsed: s.chance(0.5) ? iso(now - s.int(1, 400) * DAY_MS) : null,
        passwordLastChanged: null,
        passwordNextRotation: null,
        mfaActive: root ? !s.chance(0.2) : !s.chance(0.1),
        accessKey1Active: key1,
        accessKey1LastRotated: key1 ? iso(now - s.int(1, 200) * DAY_MS) : null,
        accessKey1LastUsedDate: key1 ? iso(now - s.int(0, 30) * DAY_MS) : null,
        accessKey1LastUsedRegion: key1 ? 'us-east-1' : null,
        accessKey1LastUsedService: key1 ? 's3' : null,
        accessKey2Active: false,
        accessKey2LastRotated: null,
        accessKey2LastUsedDate: null,
        accessKey2LastUsedRegion: null,
        accessKey2LastUsedService: null,
        cert1Active: false,
        cert1LastRotated: null,
        cert2Active: false,
        cert2LastRotated: null,
        reportGeneratedAt: iso(now - 3_600_000),
      };
    }),
    rowsType('aws', 'aws.iam-access-keys', 'accessKeyId', share(0.08), (i, _id, s) => {
      const created = now - s.int(1, 200) * DAY_MS;
      const used = s.chance(0.9);
      return {
        accessKeyId: `AKIA${pad(i, 16)}`,
        userName: `svc-${pad(i, 6)}`,
        status: s.chance(0.9) ? 'Active' : 'Inactive',
        createDate: iso(created),
        lastUsedDate: used ? iso(Math.max(created, now - s.int(0, 120) * DAY_MS)) : null,
        lastUsedService: used ? 's3' : null,
        lastUsedRegion: used ? 'us-east-1' : null,
        lastUseKnown: true,
      };
    }),
    rowsType('aws', 'aws.s3-buckets', 'name', share(0.2), (i, id, s) => {
      const enc = s.chance(0.95) ? 'enabled' : 'not-configured';
      const pab = s.chance(0.9) ? 'configured' : 'not-configured';
      const on = () => (pab === 'configured' ? !s.chance(0.03) : null);
      const life = s.chance(0.6) ? 'configured' : 'not-configured';
      return {
        name: `demo-corp-${pad(i)}-${REGIONS[i % REGIONS.length]}`,
        region: REGIONS[i % REGIONS.length]!,
        creationDate: iso(now - id.int(10, 2_000) * DAY_MS),
        encryption: enc,
        encryptionAlgorithm: enc === 'enabled' ? 'AES256' : null,
        kmsKeyId: null,
        bucketKeyEnabled: enc === 'enabled' ? false : null,
        publicAccessBlock: pab,
        blockPublicAcls: on(),
        ignorePublicAcls: on(),
        blockPublicPolicy: on(),
        restrictPublicBuckets: on(),
        versioning: s.chance(0.5) ? 'Enabled' : 'never-enabled',
        mfaDelete: null,
        lifecycle: life,
        expirationDays: life === 'configured' ? s.pick([30, 90, 365, 400]) : null,
      };
    }),
    rowsType('aws', 'aws.security-groups', 'groupId', share(0.4), (i, id, s) => {
      const region = REGIONS[i % REGIONS.length]!;
      const rule = (port: number, source: string) => ({ protocol: 'tcp', fromPort: port, toPort: port, source, sourceKind: 'cidr-ipv4', description: null });
      const inbound = [rule(443, '0.0.0.0/0'), rule(5432, `10.${i % 256}.0.0/16`)];
      if (s.chance(0.04)) inbound.push(rule(s.pick([22, 3389]), '0.0.0.0/0'));
      return {
        groupId: `sg-${pad(i, 17)}`,
        groupName: `app-${i}`,
        region,
        vpcId: `vpc-${pad(id.int(0, 999), 8)}`,
        ownerId: account(i % accounts),
        description: `application tier ${i}`,
        inbound,
        outbound: [{ protocol: '-1', fromPort: null, toPort: null, source: '0.0.0.0/0', sourceKind: 'cidr-ipv4', description: null }],
        tags: { team: departments[i % departments.length]!.name, env: s.pick(['prod', 'staging', 'dev']) },
      };
    }),
    rowsType('aws', 'aws.rds-instances', 'arn', share(0.05), (i, id, s) => {
      const region = REGIONS[i % REGIONS.length]!;
      return {
        arn: `arn:aws:rds:${region}:${account(i % accounts)}:db:db-${i}`,
        identifier: `db-${i}`,
        region,
        engine: s.pick(['postgres', 'mysql', 'aurora-postgresql']),
        engineVersion: '15.4',
        instanceClass: 'db.t3.medium',
        status: 'available',
        storageEncrypted: !s.chance(0.05),
        kmsKeyId: null,
        backupRetentionPeriod: s.chance(0.05) ? 0 : s.int(7, 35),
        latestRestorableTime: iso(now - 600_000),
        deletionProtection: !s.chance(0.2),
        multiAz: s.chance(0.5),
        publiclyAccessible: false,
        clusterIdentifier: null,
        createdAt: iso(now - id.int(10, 1_500) * DAY_MS),
      };
    }),
    rowsType('aws', 'aws.log-groups', 'arn', share(0.17), (i, id, s) => {
      const region = REGIONS[i % REGIONS.length]!;
      const name = `/aws/lambda/fn-${i}`;
      return {
        arn: `arn:aws:logs:${region}:${account(i % accounts)}:log-group:${name}`,
        logGroupName: name,
        region,
        retentionInDays: s.chance(0.1) ? null : s.pick([30, 90, 365, 400, 731]),
        creationTime: iso(now - id.int(10, 1_500) * DAY_MS),
        storedBytes: s.int(0, 10_000_000),
        kmsKeyId: null,
        metricFilterCount: 0,
      };
    }),
  ];

  // The sources as vigil.yaml would declare them; nothing here is contacted (the rows are written
  // directly), but their configs are validated against the connectors like any other.
  const srcs: SourceConfig[] = [
    { name: 'aws', type: 'aws', enabled: true, config: { region: 'us-east-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
    { name: 'okta', type: 'okta', enabled: true, config: { baseUrl: 'https://demo-corp.okta.com', token: 'bench-okta-token-0123456789' } },
    { name: 'github', type: 'github', enabled: true, config: { org: DEMO_GITHUB_ORG, token: 'ghp_bench0123456789abcdefghijklmnopqrstuv' } },
    { name: 'hr', type: 'hris-csv', enabled: true, config: { path: options.hrPath ?? '/dev/null' } },
  ] as SourceConfig[];
  return { scale, seed, anchor, counts: { people, repos, cloud, accounts }, sources: srcs, types };
}

/** How many rows the generated inventory holds (every type, one round). */
export function rowCount(org: GeneratedOrg, round = 0): number {
  let n = 0;
  for (const t of org.types) for (const p of t.pages(round)) n += p.length;
  return n;
}

export interface LoadDeps {
  db: Database;
  clock: Clock;
  evidence: EvidenceLog;
  blobs: BlobStore;
}

/**
 * Write change round `round` of the inventory as one collection of every source: each type
 * through the engine's inventory upsert and snapshot evidence, then each source's health recorded
 * as a successful run (what `collectSource` records after a complete listing).
 */
export async function loadOrg(deps: LoadDeps, workspaceId: string, org: GeneratedOrg, round: number, note: (m: string) => void = () => {}) {
  await syncSources(deps.db.orm, workspaceId, org.sources);
  const startedAt = deps.clock.now();
  let rows = 0;
  let changed = 0;
  // Producing the rows is the provider's part (and the connector's mapping): timed apart, so that
  // a benchmark can leave it out of Vigil's time.
  let generateMs = 0;
  const timedPages = function* (pages: Generator<Row[]>) {
    for (;;) {
      const t = performance.now();
      const next = pages.next();
      generateMs += performance.now() - t;
      if (next.done) return;
      yield next.value;
    }
  };
  for (const t of org.types) {
    const r = await collectRows(deps, workspaceId, t.source, t.type, t.primaryKey, timedPages(t.pages(round)));
    rows += r.rows;
    changed += r.changed;
    note(`    ${t.type}: ${r.rows} rows, ${r.changed} written`);
  }
  await deps.db.orm
    .update(sources)
    .set({ status: 'ok', lastRunAt: startedAt, lastSuccessAt: startedAt, lastError: null, lastErrorAt: null, lastErrorTag: null, missing: [], updatedAt: deps.clock.now() })
    .where(and(eq(sources.workspaceId, workspaceId), inArray(sources.name, org.sources.map((s) => s.name))));
  return { rows, changed, generateMs };
}
