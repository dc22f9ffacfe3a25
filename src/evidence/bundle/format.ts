/**
 * The bundle layout (docs/evidence-bundle.md is the reference for auditors):
 *
 *   checkpoint.txt   the C2SP signed checkpoint every proof is against
 *   public-key.txt   the signer's verifier key: origin+keyid+base64(0x01 || Ed25519 public key)
 *   statement.txt    a signed note saying what the bundle holds (below), signed by the same key
 *   index.txt        one line per record: "<leaf index> <leaf hash hex> <record id>"
 *   records.jsonl    one JSON object per record, in leaf order:
 *                    {"leafIndex", "leaf" (the envelope's canonical JSON, exactly the leaf data),
 *                     "content" (canonical JSON text, or null once expired), "proof" (hex hashes)}
 *   attachments/<sha256>   the bytes of every attachment of a record whose content is kept
 *
 * The statement binds the set and order of records: its digest is SHA-256 of index.txt.
 */
import { VigilError } from '../../lib/errors.ts';

export const BUNDLE_FORMAT = 'vigil-evidence-bundle/1';

export const FILES = {
  checkpoint: 'checkpoint.txt',
  publicKey: 'public-key.txt',
  statement: 'statement.txt',
  index: 'index.txt',
  records: 'records.jsonl',
  readme: 'README.md',
} as const;

export const ATTACHMENT_DIR = 'attachments/';

export interface Statement {
  origin: string;
  treeSize: number;
  /** base64, as in the checkpoint */
  rootHash: string;
  from: string;
  to: string;
  records: number;
  /** base64 SHA-256 of index.txt */
  indexDigest: string;
}

export function formatStatement(s: Statement): string {
  return [BUNDLE_FORMAT, s.origin, `checkpoint ${s.treeSize} ${s.rootHash}`, `period ${s.from} ${s.to}`, `records ${s.records} ${s.indexDigest}`, ''].join('\n');
}

export function parseStatement(text: string, where: string): Statement {
  const bad = (why: string): never => {
    throw new VigilError('IntegrityError', `not a bundle statement: ${why}`, { where });
  };
  const lines = text.split('\n');
  if (lines.length !== 6 || lines[5] !== '' || lines[0] !== BUNDLE_FORMAT) bad(`expected five lines starting with "${BUNDLE_FORMAT}"`);
  const cp = /^checkpoint (0|[1-9]\d*) ([A-Za-z0-9+/]{43}=)$/.exec(lines[2]!) ?? bad('the checkpoint line is malformed');
  const period = /^period (\S+) (\S+)$/.exec(lines[3]!) ?? bad('the period line is malformed');
  const recs = /^records (0|[1-9]\d*) ([A-Za-z0-9+/]{43}=)$/.exec(lines[4]!) ?? bad('the records line is malformed');
  return {
    origin: lines[1]!,
    treeSize: Number(cp[1]),
    rootHash: cp[2]!,
    from: period[1]!,
    to: period[2]!,
    records: Number(recs[1]),
    indexDigest: recs[2]!,
  };
}

export const indexLine = (leafIndex: number, leafHash: string, id: string) => `${leafIndex} ${leafHash} ${id}\n`;

export interface RecordLine {
  leafIndex: number;
  leaf: string;
  content: string | null;
  proof: string[];
}

export const README = `# Vigil evidence bundle (${BUNDLE_FORMAT})

Verify it with \`vigil evidence verify <this folder or .zip> --key <verifier key>\`, or by hand:
docs/evidence-bundle.md in Vigil's source explains every file and every step, so that you can
write your own verifier.

1. Check that public-key.txt is the key the organisation published (or use your own copy).
2. Verify the Ed25519 signatures on checkpoint.txt and statement.txt (C2SP signed notes), and that
   the statement names this checkpoint.
3. SHA-256 of index.txt must equal the statement's digest; its lines list the records, in order.
4. For each line of records.jsonl: SHA-256(0x00 || leaf) is the leaf hash in index.txt; the leaf's
   contentHash is SHA-256 of content (unless content is null: expired); each attachment's bytes hash
   to its sha256; the RFC 9162 inclusion proof leads from the leaf hash to the checkpoint's root.
`;
