/**
 * AWS pagination: IAM and RDS hand back a `Marker` (IAM with `IsTruncated`), EC2, CloudTrail and
 * Backup a `NextToken`, S3 a `ContinuationToken`. Each listing passes how to read its token; this
 * follows it, and stops with an error on a repeated token or past a page cap, so a provider bug
 * cannot loop a collection forever.
 */
import { VigilError } from '../../lib/errors.ts';

export const MAX_PAGES = 10_000;

export async function* pages<P>(
  what: string,
  where: string,
  fetch: (token: string | undefined) => Promise<P>,
  nextToken: (page: P) => string | undefined,
): AsyncGenerator<P> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (let n = 1; ; n++) {
    const page = await fetch(token);
    yield page;
    const next = nextToken(page);
    if (!next) return;
    if (seen.has(next)) {
      throw new VigilError('ProviderError', `${what}: AWS sent the same page token twice; stopped to avoid a loop`, {
        where,
        hint: 'this looks like a provider bug; please report it',
      });
    }
    if (n >= MAX_PAGES) throw new VigilError('ProviderError', `${what}: more than ${MAX_PAGES} pages; stopped`, { where });
    seen.add(next);
    token = next;
  }
}

/** IAM's convention: `IsTruncated` says there is more, `Marker` where to continue. */
export function iamMarker(what: string, where: string) {
  return (page: { IsTruncated?: boolean; Marker?: string }): string | undefined => {
    if (!page.IsTruncated) return undefined;
    if (!page.Marker) throw new VigilError('ProviderError', `${what}: IsTruncated without a Marker`, { where });
    return page.Marker;
  };
}

/** A required list in an answer: absent means the answer is not what AWS documents. */
export function listOf<T>(value: T[] | undefined, field: string, what: string, where: string): T[] {
  if (!Array.isArray(value)) {
    throw new VigilError('ProviderError', `${what}: the answer has no ${field} list`, {
      where,
      hint: 'the endpoint may not be AWS (or a compatible service); check the endpoint in the source config',
    });
  }
  return value;
}
