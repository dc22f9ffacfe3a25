/**
 * The demo company's GitHub organization, served as GitHub's REST API (and the one GraphQL query
 * for SAML identities) under the demo server's `/github` prefix: bearer-token auth, `per_page`
 * and `page` with Link headers (cursors for Dependabot alerts and the audit log), GitHub's error
 * bodies, and 404 "Branch not protected" for the unprotected repository. Everything is rendered
 * from the org model as of the clock's now (github-model.ts).
 */
import { Hono, type Context } from 'hono';
import type { Clock } from '../../lib/clock.ts';
import type { DemoOrg, PullRequest } from '../org/org.ts';
import * as gh from './github-model.ts';
import type { DemoProvider } from './index.ts';

const DOCS = 'https://docs.github.com/rest';
const notFound = (c: Context, message = 'Not Found') => c.json({ message, documentation_url: DOCS, status: '404' }, 404);
const iso = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');

/** One page of `items` with GitHub's Link header; `cursor` pages by an opaque `after` instead of `page`. */
function paged<T>(c: Context, items: T[], options: { cursor?: boolean } = {}): T[] {
  const per = Math.min(100, Math.max(1, Number(c.req.query('per_page') ?? 30) || 30));
  const start = options.cursor ? Number(Buffer.from(c.req.query('after') ?? '', 'base64url').toString() || 0) : (Math.max(1, Number(c.req.query('page') ?? 1) || 1) - 1) * per;
  const slice = items.slice(start, start + per);
  if (start + per < items.length) {
    const next = new URL(c.req.url);
    if (options.cursor) next.searchParams.set('after', Buffer.from(String(start + per)).toString('base64url'));
    else next.searchParams.set('page', String(start / per + 2));
    c.header('link', `<${next.href}>; rel="next"`);
  }
  return slice;
}

export function githubApp(org: DemoOrg, clock: Clock): Hono {
  const app = new Hono();
  const api = 'https://api.github.com';
  const ids = new Map<string, number>(org.people.filter((p) => p.github).map((p) => [p.github!.login, p.github!.id]));
  const user = (login: string) => ({
    login,
    id: ids.get(login) ?? 0,
    node_id: `U_demo${ids.get(login) ?? 0}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${ids.get(login) ?? 0}?v=4`,
    url: `${api}/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: 'User',
    site_admin: false,
  });
  const webFlow = { ...user('web-flow'), id: 19864447 };
  const byHead = new Map(org.pullRequests.map((p) => [gh.headSha(p), p]));
  const byMerge = new Map(org.pullRequests.map((p) => [gh.mergeSha(p), p]));

  app.use('*', async (c, next) => {
    c.header('x-github-api-version-selected', '2022-11-28');
    c.header('x-ratelimit-limit', '5000');
    c.header('x-ratelimit-remaining', '4999');
    if (c.req.header('authorization') !== `Bearer ${gh.DEMO_GITHUB_TOKEN}`) return c.json({ message: 'Bad credentials', documentation_url: DOCS, status: '401' }, 401);
    await next();
  });
  app.use('/orgs/:org/*', async (c, next) => (c.req.param('org') === gh.DEMO_GITHUB_ORG ? next() : notFound(c)));
  app.use('/repos/:owner/:repo/*', async (c, next) => {
    const repo = gh.reposAt(org, clock.now()).find((r) => r.name === c.req.param('repo'));
    return c.req.param('owner') === gh.DEMO_GITHUB_ORG && repo ? next() : notFound(c);
  });
  const repoOf = (c: Context) => org.repos.find((r) => r.name === c.req.param('repo'))!;

  app.get('/orgs/:org', (c) =>
    c.req.param('org') !== gh.DEMO_GITHUB_ORG
      ? notFound(c)
      : c.json({
          login: gh.DEMO_GITHUB_ORG,
          id: gh.DEMO_GITHUB_ORG_ID,
          node_id: 'O_demo',
          url: `${api}/orgs/${gh.DEMO_GITHUB_ORG}`,
          name: 'Demo Corp',
          html_url: `https://github.com/${gh.DEMO_GITHUB_ORG}`,
          created_at: iso(new Date(org.periodStart.getTime() - 5 * 365 * 86_400_000)),
          type: 'Organization',
          // Two members still lack two-factor, so the requirement cannot be switched on yet.
          two_factor_requirement_enabled: false,
          plan: { name: 'enterprise', space: 976562499, private_repos: 999999, filled_seats: gh.membersAt(org, clock.now()).length, seats: 200 },
        }),
  );

  app.get('/orgs/:org/members', (c) => {
    let members = gh.membersAt(org, clock.now());
    const role = c.req.query('role');
    if (role === 'admin' || role === 'member') members = members.filter((m) => m.role === role);
    if (c.req.query('filter') === '2fa_disabled') members = members.filter((m) => !m.twoFactor);
    return c.json(paged(c, members).map((m) => user(m.login)));
  });

  app.get('/orgs/:org/outside_collaborators', (c) => {
    let list = gh.outsideCollaboratorsAt(org, clock.now());
    if (c.req.query('filter') === '2fa_disabled') list = list.filter((m) => !m.twoFactor);
    return c.json(paged(c, list).map((m) => ({ ...user(m.login), id: m.id })));
  });

  app.get('/orgs/:org/repos', (c) =>
    c.json(
      paged(c, gh.reposAt(org, clock.now())).map((r) => {
        const last = gh.mergedPullsAt(org, r.name, clock.now())[0];
        return {
          id: r.id,
          node_id: `R_demo${r.id}`,
          name: r.name,
          full_name: gh.fullName(r.name),
          private: true,
          owner: { login: gh.DEMO_GITHUB_ORG, id: gh.DEMO_GITHUB_ORG_ID, type: 'Organization' },
          html_url: `https://github.com/${gh.fullName(r.name)}`,
          fork: false,
          url: `${api}/repos/${gh.fullName(r.name)}`,
          archived: false,
          disabled: false,
          visibility: 'private',
          default_branch: r.defaultBranch,
          created_at: iso(r.createdAt),
          updated_at: iso(last?.mergedAt ?? r.createdAt),
          pushed_at: iso(last?.mergedAt ?? r.createdAt),
          size: 2048,
        };
      }),
    ),
  );

  app.get('/repos/:owner/:repo/branches/:branch/protection', (c) => {
    const repo = repoOf(c);
    if (c.req.param('branch') !== repo.defaultBranch) return notFound(c, 'Branch not found');
    const p = repo.protection;
    if (!p) return notFound(c, 'Branch not protected');
    const url = `${api}/repos/${gh.fullName(repo.name)}/branches/${repo.defaultBranch}/protection`;
    return c.json({
      url,
      required_status_checks: { url: `${url}/required_status_checks`, strict: true, contexts: p.requiredChecks, checks: p.requiredChecks.map((context) => ({ context, app_id: 15368 })) },
      required_pull_request_reviews: { url: `${url}/required_pull_request_reviews`, dismiss_stale_reviews: p.dismissStale, require_code_owner_reviews: false, required_approving_review_count: p.requiredReviews, require_last_push_approval: false },
      required_signatures: { url: `${url}/required_signatures`, enabled: false },
      enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
      required_linear_history: { enabled: true },
      allow_force_pushes: { enabled: p.allowForcePushes },
      allow_deletions: { enabled: false },
      block_creations: { enabled: false },
      required_conversation_resolution: { enabled: false },
    });
  });
  // The demo protects branches with classic protection only.
  app.get('/repos/:owner/:repo/rules/branches/:branch', (c) => c.json(paged(c, [])));
  app.get('/repos/:owner/:repo/rulesets/:id', (c) => notFound(c));

  const pullJson = (p: PullRequest, detail: boolean) => {
    const full = gh.fullName(p.repo);
    return {
      url: `${api}/repos/${full}/pulls/${p.number}`,
      id: 1_000_000 + p.number * 100 + org.repos.findIndex((r) => r.name === p.repo),
      number: p.number,
      state: 'closed',
      locked: false,
      title: p.title,
      user: user(p.author),
      body: null,
      created_at: iso(p.createdAt),
      updated_at: iso(gh.updatedAt(p)),
      closed_at: iso(p.mergedAt),
      merged_at: iso(p.mergedAt),
      merge_commit_sha: gh.mergeSha(p),
      head: { label: `${gh.DEMO_GITHUB_ORG}:change-${p.number}`, ref: `change-${p.number}`, sha: gh.headSha(p) },
      base: { label: `${gh.DEMO_GITHUB_ORG}:main`, ref: 'main' },
      html_url: `https://github.com/${full}/pull/${p.number}`,
      author_association: 'MEMBER',
      draft: false,
      ...(detail ? { merged: true, merged_by: user(p.mergedBy), comments: 0, review_comments: p.reviews.length, commits: 1, additions: 20 + (p.number % 40), deletions: p.number % 9, changed_files: 1 + (p.number % 5) } : {}),
    };
  };
  const pullOf = (c: Context) => gh.mergedPullsAt(org, c.req.param('repo')!, clock.now()).find((p) => String(p.number) === c.req.param('number'));

  app.get('/repos/:owner/:repo/pulls', (c) => {
    const repo = repoOf(c);
    const closed = c.req.query('state') === 'closed' || c.req.query('state') === 'all';
    const base = c.req.query('base');
    // Every merged pull request went into the default branch; open ones are not in the model.
    const pulls = closed && (!base || base === repo.defaultBranch) ? gh.mergedPullsAt(org, repo.name, clock.now()) : [];
    if (c.req.query('direction') === 'asc') pulls.reverse();
    return c.json(paged(c, pulls).map((p) => pullJson(p, false)));
  });
  app.get('/repos/:owner/:repo/pulls/:number', (c) => {
    const p = pullOf(c);
    return p ? c.json(pullJson(p, true)) : notFound(c);
  });
  app.get('/repos/:owner/:repo/pulls/:number/reviews', (c) => {
    const p = pullOf(c);
    if (!p) return notFound(c);
    const reviews = p.reviews.filter((r) => r.submittedAt <= clock.now());
    return c.json(
      paged(c, reviews).map((r, i) => ({
        id: 2_000_000 + p.number * 10 + i,
        user: user(r.reviewer),
        body: '',
        state: r.state,
        html_url: `https://github.com/${gh.fullName(p.repo)}/pull/${p.number}#pullrequestreview-${2_000_000 + p.number * 10 + i}`,
        pull_request_url: `${api}/repos/${gh.fullName(p.repo)}/pulls/${p.number}`,
        author_association: 'MEMBER',
        submitted_at: iso(r.submittedAt),
        commit_id: gh.headSha(p),
      })),
    );
  });

  const headOf = (c: Context) => {
    const p = byHead.get(c.req.param('sha')!);
    return p && p.repo === c.req.param('repo') && p.createdAt <= clock.now() ? p : undefined;
  };
  app.get('/repos/:owner/:repo/commits/:sha/check-runs', (c) => {
    const p = headOf(c);
    if (!p) return c.json({ total_count: 0, check_runs: [] });
    const now = clock.now();
    const runs = p.checks
      .map((k, i) => ({ k, i, started: new Date(k.completedAt.getTime() - 8 * 60_000) }))
      .filter(({ started }) => started <= now)
      .map(({ k, i, started }) => ({
        id: 3_000_000 + p.number * 10 + i,
        head_sha: gh.headSha(p),
        name: k.name,
        status: k.completedAt <= now ? 'completed' : 'in_progress',
        conclusion: k.completedAt <= now ? k.conclusion : null,
        started_at: iso(started),
        completed_at: k.completedAt <= now ? iso(k.completedAt) : null,
        app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
        html_url: `https://github.com/${gh.fullName(p.repo)}/actions/runs/${3_000_000 + p.number}`,
      }));
    return c.json({ total_count: runs.length, check_runs: paged(c, runs) });
  });
  app.get('/repos/:owner/:repo/commits/:sha/status', (c) => {
    const p = headOf(c);
    // The demo's CI reports check runs only; GitHub calls a commit without statuses "pending".
    return c.json({ state: 'pending', statuses: [], sha: p ? gh.headSha(p) : c.req.param('sha'), total_count: 0, commit_url: `${api}/repos/${gh.fullName(c.req.param('repo')!)}/commits/${c.req.param('sha')}` });
  });
  app.get('/repos/:owner/:repo/commits/:sha/pulls', (c) => {
    const p = byMerge.get(c.req.param('sha')!) ?? byHead.get(c.req.param('sha')!);
    return c.json(p && p.repo === c.req.param('repo') && p.mergedAt <= clock.now() ? [pullJson(p, false)] : []);
  });
  app.get('/repos/:owner/:repo/commits', (c) => {
    const repo = repoOf(c);
    const ref = c.req.query('sha') ?? repo.defaultBranch;
    if (ref !== repo.defaultBranch) return notFound(c, 'No commit found for SHA: ' + ref);
    const since = c.req.query('since') ? new Date(c.req.query('since')!) : null;
    const commits = gh.defaultBranchAt(org, repo, clock.now()).filter((k) => !since || k.date >= since);
    const full = gh.fullName(repo.name);
    return c.json(
      paged(c, commits).map((k) => ({
        sha: k.sha,
        url: `${api}/repos/${full}/commits/${k.sha}`,
        html_url: `https://github.com/${full}/commit/${k.sha}`,
        commit: {
          author: { name: k.author ?? 'Demo Corp', email: `${k.author ?? 'engineering'}@users.noreply.github.com`, date: iso(k.date) },
          committer: { name: 'GitHub', email: 'noreply@github.com', date: iso(k.date) },
          message: k.message,
          comment_count: 0,
        },
        author: k.author ? user(k.author) : null,
        committer: webFlow,
        parents: k.parent ? [{ sha: k.parent, url: `${api}/repos/${full}/commits/${k.parent}` }] : [],
      })),
    );
  });

  app.get('/orgs/:org/dependabot/alerts', (c) => {
    const now = clock.now();
    const list = gh
      .dependabotAlerts(org)
      .filter((a) => a.createdAt <= now)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return c.json(
      paged(c, list, { cursor: true }).map((a) => {
        const adv = gh.advisories[a.kind]!;
        const { state, fixedAt, dismissed } = gh.alertStateAt(a, now);
        const full = gh.fullName(a.repo);
        return {
          number: a.number,
          state,
          dependency: { package: { ecosystem: adv.ecosystem, name: adv.pkg }, manifest_path: adv.manifest, scope: 'runtime' },
          security_advisory: { ghsa_id: adv.ghsa, cve_id: adv.cve, summary: adv.summary, severity: a.severity },
          security_vulnerability: { package: { ecosystem: adv.ecosystem, name: adv.pkg }, severity: a.severity },
          url: `${api}/repos/${full}/dependabot/alerts/${a.number}`,
          html_url: `https://github.com/${full}/security/dependabot/${a.number}`,
          created_at: iso(a.createdAt),
          updated_at: iso(fixedAt ?? dismissed?.at ?? a.createdAt),
          dismissed_at: dismissed ? iso(dismissed.at) : null,
          dismissed_by: dismissed ? user(dismissed.by) : null,
          dismissed_reason: dismissed?.reason ?? null,
          dismissed_comment: dismissed?.comment ?? null,
          fixed_at: fixedAt ? iso(fixedAt) : null,
          auto_dismissed_at: null,
          repository: { id: org.repos.find((r) => r.name === a.repo)!.id, name: a.repo, full_name: full, private: true },
        };
      }),
    );
  });

  app.get('/orgs/:org/code-scanning/alerts', (c) => {
    const now = clock.now();
    const list = gh
      .codeScanningAlerts(org)
      .filter((a) => a.createdAt <= now)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return c.json(
      paged(c, list).map((a) => {
        const rule = gh.scanRules[a.kind]!;
        const { state, fixedAt, dismissed } = gh.alertStateAt(a, now);
        const full = gh.fullName(a.repo);
        return {
          number: a.number,
          created_at: iso(a.createdAt),
          updated_at: iso(fixedAt ?? dismissed?.at ?? a.createdAt),
          url: `${api}/repos/${full}/code-scanning/alerts/${a.number}`,
          html_url: `https://github.com/${full}/security/code-scanning/${a.number}`,
          state,
          fixed_at: fixedAt ? iso(fixedAt) : null,
          dismissed_by: dismissed ? user(dismissed.by) : null,
          dismissed_at: dismissed ? iso(dismissed.at) : null,
          dismissed_reason: dismissed?.reason ?? null,
          dismissed_comment: dismissed?.comment ?? null,
          rule: { id: rule.id, severity: 'error', description: rule.description, security_severity_level: a.severity },
          tool: { name: 'CodeQL', guid: null, version: '2.19.3' },
          most_recent_instance: { ref: 'refs/heads/main', state, location: { path: rule.path, start_line: 10 + a.number } },
          repository: { id: org.repos.find((r) => r.name === a.repo)!.id, name: a.repo, full_name: full, private: true },
        };
      }),
    );
  });

  app.get('/orgs/:org/audit-log', (c) => {
    const phrase = /created:(>=|>)(\S+)/.exec(c.req.query('phrase') ?? '');
    const since = phrase ? Date.parse(phrase[2]!) : NaN;
    if (phrase && Number.isNaN(since)) return c.json({ message: 'Invalid phrase', documentation_url: DOCS, status: '422' }, 422);
    let list = gh.auditEvents(org, clock.now()).filter((e) => !phrase || (phrase[1] === '>=' ? e.at.getTime() >= since : e.at.getTime() > since));
    if (c.req.query('order') !== 'asc') list = list.reverse();
    return c.json(
      paged(c, list, { cursor: true }).map((e) => ({
        '@timestamp': e.at.getTime(),
        _document_id: e.id,
        action: e.action,
        actor: e.actor,
        actor_id: ids.get(e.actor) ?? 0,
        actor_location: { country_code: 'DE' },
        created_at: e.at.getTime(),
        business: 'demo-corp-enterprise',
        org: gh.DEMO_GITHUB_ORG,
        org_id: gh.DEMO_GITHUB_ORG_ID,
        operation_type: e.action.endsWith('remove_member') ? 'remove' : 'create',
        ...(e.user ? { user: e.user, user_id: ids.get(e.user) ?? 0 } : {}),
        ...(e.repo ? { repo: e.repo } : {}),
        ...e.extra,
      })),
    );
  });

  app.post('/graphql', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { query?: string; variables?: { org?: string; after?: string | null } } | null;
    if (!body?.query?.includes('externalIdentities')) return c.json({ errors: [{ message: 'The demo answers only the SAML identities query' }] }, 200);
    if (body.variables?.org !== gh.DEMO_GITHUB_ORG) return c.json({ data: { organization: null }, errors: [{ type: 'NOT_FOUND', message: `Could not resolve to an Organization with the login of '${body.variables?.org}'.` }] });
    const members = gh.membersAt(org, clock.now());
    const start = body.variables.after ? Number(Buffer.from(body.variables.after, 'base64').toString().split(':')[1]) : 0;
    const nodes = members.slice(start, start + 100);
    const end = start + nodes.length;
    return c.json({
      data: {
        organization: {
          samlIdentityProvider: {
            externalIdentities: {
              pageInfo: { hasNextPage: end < members.length, endCursor: Buffer.from(`cursor:${end}`).toString('base64') },
              nodes: nodes.map((m) => ({ samlIdentity: { nameId: m.email }, user: { login: m.login } })),
            },
          },
        },
      },
    });
  });

  return app;
}

export const githubProvider: DemoProvider = {
  name: 'github',
  app: githubApp,
  source: (baseUrl) => ({ name: 'github', type: 'github', schedule: 'PT1H', config: { baseUrl, org: gh.DEMO_GITHUB_ORG, token: gh.DEMO_GITHUB_TOKEN } }),
};
