/**
 * The `git log` format the connector asks for, and the parsing of one record of it. Fields are
 * separated by the ASCII unit separator (0x1f), which git never puts in names, dates or hashes;
 * records by NUL (`-z`). The trailers come last because they span lines.
 */
import { VigilError } from '../../lib/errors.ts';

/** The trailers collected, in their canonical spelling; git matches them case-insensitively. */
export const trailerKeys = ['Reviewed-by', 'Approved-by', 'Signed-off-by', 'Co-authored-by'] as const;
export type TrailerKey = (typeof trailerKeys)[number];

const fields = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%G?', '%GS', '%GK', '%s', `%(trailers:${trailerKeys.map((k) => `key=${k}`).join(',')},only,unfold)`];
export const logFormat = fields.join('%x1f');

/**
 * `%G?` as words: G good, U good but the key's validity is unknown (not trusted in the keyring),
 * X good but the signature expired, Y good but the key expired, R good but the key is revoked,
 * B bad, E cannot be checked (the key is missing), N no signature.
 */
export const signatureStatuses = {
  G: 'good',
  U: 'good-untrusted',
  X: 'expired-signature',
  Y: 'expired-key',
  R: 'revoked-key',
  B: 'bad',
  E: 'unverifiable',
  N: 'none',
} as const;
export type SignatureStatus = (typeof signatureStatuses)[keyof typeof signatureStatuses];

export interface Person {
  name: string;
  email: string | null;
}

export interface Trailer extends Person {
  key: TrailerKey;
  /** The value as written, e.g. `Ada Lopez <ada@example.com>`. */
  value: string;
}

export interface LogRecord {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authoredAt: string;
  committerName: string;
  committerEmail: string;
  committedAt: string;
  signature: SignatureStatus;
  signer: string | null;
  signingKey: string | null;
  subject: string;
  trailers: Trailer[];
}

/** `Ada Lopez <ada@example.com>` → name and email; a bare name or a bare address works too. */
export function parsePerson(value: string): Person {
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(value);
  if (m) return { name: (m[1] ?? '').trim(), email: (m[2] ?? '').trim().toLowerCase() || null };
  const bare = value.trim();
  return /^[^\s@]+@[^\s@]+$/.test(bare) ? { name: bare, email: bare.toLowerCase() } : { name: bare, email: null };
}

function parseTrailers(block: string): Trailer[] {
  const out: Trailer[] = [];
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = trailerKeys.find((k) => k.toLowerCase() === line.slice(0, colon).trim().toLowerCase());
    const value = line.slice(colon + 1).trim();
    if (key && value) out.push({ key, value, ...parsePerson(value) });
  }
  return out;
}

const utc = (iso: string, what: string, sha: string) => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw malformed(`${what} "${iso}" of ${sha} is not a date`);
  return new Date(t).toISOString();
};

const malformed = (message: string) =>
  new VigilError('ProviderError', `unexpected git log output: ${message}`, { hint: 'this git version may format logs differently; please report it with `git --version`' });

export function parseLogRecord(record: string): LogRecord {
  // git puts a newline between records after the first when -z is combined with a format.
  const parts = record.replace(/^\n/, '').split('\x1f');
  if (parts.length !== fields.length) throw malformed(`a record has ${parts.length} fields, expected ${fields.length}: ${JSON.stringify(record.slice(0, 120))}`);
  const [sha = '', parents = '', an = '', ae = '', aI = '', cn = '', ce = '', cI = '', g = '', gs = '', gk = '', subject = '', trailers = ''] = parts;
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw malformed(`"${sha}" is not a commit hash`);
  const status = signatureStatuses[g as keyof typeof signatureStatuses];
  if (!status) throw malformed(`unknown signature status "${g}" on ${sha}`);
  return {
    sha,
    parents: parents ? parents.split(' ') : [],
    authorName: an,
    authorEmail: ae.toLowerCase(),
    authoredAt: utc(aI, 'author date', sha),
    committerName: cn,
    committerEmail: ce.toLowerCase(),
    committedAt: utc(cI, 'committer date', sha),
    signature: status,
    signer: gs || null,
    signingKey: gk || null,
    subject,
    trailers: parseTrailers(trailers),
  };
}
