/**
 * The RFC 8288 `Link` header: `<uri>; rel="next"; title="…", <uri2>; rel="prev last"`. Parsed
 * with a small scanner, because commas and semicolons may appear inside the URI and inside quoted
 * parameter values (so splitting on "," breaks real headers).
 */

export interface LinkValue {
  uri: string;
  /** Relation types, lower-cased (rel may hold several, separated by spaces). */
  rel: string[];
  params: Record<string, string>;
}

export function parseLinkHeader(header: string | null): LinkValue[] {
  if (!header) return [];
  const links: LinkValue[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(header[i]!)) i++;
  };
  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    if (header[i] !== '<') {
      // Not a link-value: skip to the next one rather than guess.
      while (i < n && header[i] !== ',') i++;
      continue;
    }
    const end = header.indexOf('>', i + 1);
    if (end < 0) break;
    const uri = header.slice(i + 1, end).trim();
    i = end + 1;
    const params: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (header[i] !== ';') break;
      i++;
      skipSpace();
      let name = '';
      while (i < n && /[^\s=;,]/.test(header[i]!)) name += header[i++];
      skipSpace();
      let value = '';
      if (header[i] === '=') {
        i++;
        skipSpace();
        if (header[i] === '"') {
          i++;
          while (i < n && header[i] !== '"') {
            if (header[i] === '\\' && i + 1 < n) i++;
            value += header[i++];
          }
          i++;
        } else {
          while (i < n && /[^\s;,]/.test(header[i]!)) value += header[i++];
        }
      }
      const key = name.toLowerCase();
      // RFC 8288 §3: occurrences after the first of a parameter are ignored.
      if (key && !(key in params)) params[key] = value;
    }
    links.push({ uri, rel: (params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean), params });
  }
  return links;
}

/** The target of the first link with relation `rel`, if any. */
export function linkWithRel(header: string | null, rel: string): string | undefined {
  return parseLinkHeader(header).find((l) => l.rel.includes(rel.toLowerCase()))?.uri;
}
