/**
 * What every GitHub listing shares: the media type and API version GitHub asks clients to send,
 * Link-header paging at the documented maximum page size, the organization's paths, the
 * organization's repositories (several resources walk them), and reading GitHub's answers.
 */
import { DAY_MS } from '../../lib/clock.ts';
import { isVigilError } from '../../lib/errors.ts';
import { paginateLinkHeader, type Page, type Query, type RunContext } from '../sdk/index.ts';
import type { GitHubConfig } from './config.ts';

/** GitHub versions its REST API by date; pinning it keeps the shapes this connector maps. */
export const API_VERSION = '2022-11-28';
export const githubHeaders: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': API_VERSION };

export type Ctx = RunContext<GitHubConfig>;

const seg = encodeURIComponent;

export const orgPath = (ctx: Ctx, rest = '') => `/orgs/${seg(ctx.config.org)}${rest}`;

/** `/repos/{owner}/{repo}` from a full name `owner/repo`. */
export function repoPath(fullName: string, rest = ''): string {
  const [owner, name] = fullName.split('/');
  return `/repos/${seg(owner ?? '')}/${seg(name ?? '')}${rest}`;
}

export const branchSegment = (branch: string) => seg(branch);

export function githubGet<T>(ctx: Ctx, path: string, query?: Query): Promise<T> {
  return ctx.http.get<T>(path, { headers: githubHeaders, ...(query ? { query } : {}) });
}

/** Every page of a listing, 100 items a page (GitHub's maximum), following the Link header. */
export function githubPages<T>(ctx: Ctx, path: string, query: Query = {}, items: (body: unknown) => T[] = (b) => b as T[]): AsyncGenerator<Page<T>> {
  return paginateLinkHeader<T>(ctx.http, path, { query: { per_page: 100, ...query }, headers: githubHeaders, items });
}

export interface ApiUser {
  login: string;
  id: number;
  type?: string;
  site_admin?: boolean;
}

export interface ApiRepo {
  id: number;
  name: string;
  full_name: string;
  private: boolean;
  visibility?: string;
  archived: boolean;
  disabled?: boolean;
  fork: boolean;
  default_branch: string;
  created_at: string;
  pushed_at: string | null;
  html_url: string;
  size?: number;
}

/** The organization's repositories, a page at a time. */
export async function* orgRepos(ctx: Ctx): AsyncGenerator<ApiRepo[]> {
  for await (const page of githubPages<ApiRepo>(ctx, orgPath(ctx, '/repos'), { type: 'all' })) yield page.items;
}

/** The start of the collection window for pull requests and commits. */
export const windowStart = (ctx: Ctx) => new Date(ctx.clock.now().getTime() - ctx.config.lookbackDays * DAY_MS);

/** The HTTP status and GitHub's message of a failed request, when it was one. */
export function providerAnswer(e: unknown): { status?: number; message: string } | undefined {
  if (!isVigilError(e)) return undefined;
  const status = typeof e.details?.status === 'number' ? e.details.status : undefined;
  const message = typeof e.details?.providerMessage === 'string' ? e.details.providerMessage : e.message;
  return { ...(status !== undefined ? { status } : {}), message };
}

/**
 * The GraphQL endpoint beside the REST base URL: https://api.github.com/graphql on github.com,
 * https://HOST/api/graphql on GitHub Enterprise Server (whose REST root is /api/v3).
 */
export function graphqlUrl(ctx: Ctx): URL {
  const base = ctx.http.baseUrl;
  if (/\/api\/v3\/$/.test(base.pathname)) return new URL(base.pathname.replace(/\/api\/v3\/$/, '/api/graphql'), base);
  return new URL('graphql', base);
}
