import { describe, expect, it } from 'vitest';
import { linkWithRel, parseLinkHeader } from './link-header.ts';

describe('parseLinkHeader (RFC 8288)', () => {
  it("reads GitHub's header with next and last", () => {
    const h = '<https://api.github.com/organizations/1/repos?page=2>; rel="next", <https://api.github.com/organizations/1/repos?page=5>; rel="last"';
    expect(linkWithRel(h, 'next')).toBe('https://api.github.com/organizations/1/repos?page=2');
    expect(linkWithRel(h, 'last')).toBe('https://api.github.com/organizations/1/repos?page=5');
    expect(linkWithRel(h, 'prev')).toBeUndefined();
  });

  it('keeps commas and semicolons inside the URI and inside quoted values', () => {
    const h = '<https://x.okta.com/api/v1/users?filter=a,b;c&after=00u1>; rel="next"; title="a, b; c", <https://x/self>; rel=self';
    const links = parseLinkHeader(h);
    expect(links).toHaveLength(2);
    expect(links[0]).toEqual({ uri: 'https://x.okta.com/api/v1/users?filter=a,b;c&after=00u1', rel: ['next'], params: { rel: 'next', title: 'a, b; c' } });
    expect(links[1]!.rel).toEqual(['self']);
  });

  it('handles several relations in one rel, case-insensitively, and ignores a repeated rel', () => {
    const h = '<https://x/2>; REL="Next Last"; rel="prev"';
    expect(parseLinkHeader(h)[0]!.rel).toEqual(['next', 'last']);
    expect(linkWithRel(h, 'NEXT')).toBe('https://x/2');
  });

  it('returns nothing for an absent or garbled header', () => {
    expect(parseLinkHeader(null)).toEqual([]);
    expect(parseLinkHeader('garbage, more garbage')).toEqual([]);
    expect(parseLinkHeader('<https://x/unterminated; rel="next"')).toEqual([]);
  });
});
