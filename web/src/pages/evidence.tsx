/** Evidence: search the log, read a record and its attachments, and verify its proof here. */
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { EvidenceSummary } from '../api/shapes.ts';
import type { Page } from '../api/types.ts';
import { Async, Badge, Empty, ErrorBox, Link, PageHead } from '../components/ui.tsx';
import { parseCheckpoint, verifyCheckpointSignature } from '../lib/checkpoint.ts';
import { fmtTime } from '../lib/format.ts';
import { sha256, bytesToHex, verifyRecord, type Envelope, type Step } from '../lib/merkle.ts';
import { setQuery, useLocation } from '../lib/router.ts';
import { useApi } from '../lib/use-api.ts';

const KINDS = ['resource.snapshot', 'event', 'check.result', 'manual', 'runbook.step', 'user.action', 'finding.transition', 'retention.expiry', 'checkpoint'];

export function EvidencePage() {
  const { search } = useLocation();
  const f = { control: search.get('control') ?? '', source: search.get('source') ?? '', kind: search.get('kind') ?? '', from: search.get('from') ?? '', to: search.get('to') ?? '', subject: search.get('subject') ?? '' };
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const state = useApi<Page<EvidenceSummary>>('/api/v1/evidence', { ...f, limit: 50, cursor });
  const set = (k: string, v: string) => {
    setCursors([]);
    setQuery({ [k]: v });
  };
  return (
    <>
      <PageHead title="Evidence" intro="Every record is a leaf of an append-only Merkle log with signed checkpoints: open one to verify it in your browser." />
      <div className="filters" role="search" aria-label="Search evidence">
        <label>
          Control
          <input value={f.control} placeholder="control id" onChange={(e) => set('control', e.target.value)} />
        </label>
        <label>
          Source
          <input value={f.source} placeholder="e.g. github" onChange={(e) => set('source', e.target.value)} />
        </label>
        <label>
          Kind
          <select value={f.kind} onChange={(e) => set('kind', e.target.value)}>
            <option value="">any</option>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Effective from
          <input type="date" value={f.from} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          to
          <input type="date" value={f.to} onChange={(e) => set('to', e.target.value)} />
        </label>
      </div>
      <Async state={state} what="evidence">
        {(p) =>
          p.items.length ? (
            <>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th className="num">#</th>
                      <th>Kind</th>
                      <th>Subject</th>
                      <th>Source</th>
                      <th>Effective</th>
                      <th>Collected</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.items.map((e) => (
                      <tr key={e.id}>
                        <td className="num small">{e.leafIndex}</td>
                        <td>
                          <Link href={`/evidence/${encodeURIComponent(e.id)}`}>{e.kind}</Link>
                          {e.attachments.length > 0 && <span className="small muted"> · {e.attachments.length} file{e.attachments.length === 1 ? '' : 's'}</span>}
                          {e.expired && <span className="small muted"> · content expired</span>}
                        </td>
                        <td className="small mono">{e.subject}</td>
                        <td className="small">{e.source}</td>
                        <td className="small">{fmtTime(e.effectiveAt)}</td>
                        <td className="small">{fmtTime(e.collectedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="actions" style={{ marginTop: '0.75rem' }}>
                {cursors.length > 0 && (
                  <button className="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
                    Newer
                  </button>
                )}
                {p.nextCursor && (
                  <button className="secondary" onClick={() => setCursors([...cursors, p.nextCursor!])}>
                    Older
                  </button>
                )}
              </div>
            </>
          ) : (
            <Empty title="No evidence matches">Change the search, or wait for the first collection.</Empty>
          )
        }
      </Async>
    </>
  );
}

interface Proof {
  record: Envelope;
  leaf: string;
  content: string | null;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  hashes: string[];
  checkpoint: { id: string; treeSize: number; rootHash: string; signedAt: string; note: string };
  origin: string;
  verifierKey: string;
  publicKey: string;
}

function Verify({ id }: { id: string }) {
  const [steps, setSteps] = useState<Step[]>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const p = await api.get<Proof>(`/api/v1/evidence/${encodeURIComponent(id)}/proof`);
      const cp = parseCheckpoint(p.checkpoint.note);
      // The content is checked from the exact text the log hashed, then again from the parsed value.
      const content = p.content === null ? undefined : (JSON.parse(p.content) as unknown);
      const out = await verifyRecord(p.record, content, { leafIndex: p.leafIndex, treeSize: cp.treeSize, leafHash: p.leafHash, rootHash: p.rootHash, hashes: p.hashes }, cp.rootHash);
      if (p.content !== null) {
        const h = bytesToHex(await sha256(p.content));
        out.splice(1, 0, { label: 'Stored text matches its hash', ok: h === p.record.contentHash, detail: 'SHA-256 of the canonical text as stored' });
      }
      out.push({
        label: 'Checkpoint covers the record',
        ok: cp.treeSize === p.treeSize && cp.treeSize > p.leafIndex && cp.origin === p.origin,
        detail: `checkpoint of ${cp.treeSize} records for ${cp.origin}, signed ${fmtTime(p.checkpoint.signedAt)}`,
      });
      const sig = await verifyCheckpointSignature(cp, p.publicKey);
      out.push({
        label: 'Checkpoint signature is valid',
        ok: sig !== false,
        detail: sig === null ? 'This browser cannot check Ed25519 signatures; check with `vigil evidence verify`.' : `Ed25519 signature by ${p.verifierKey}`,
      });
      setSteps(out);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const ok = steps?.every((s) => s.ok);
  return (
    <section className="card" aria-labelledby="verify-h">
      <h2 id="verify-h">Proof</h2>
      <p className="small muted">Recomputes every hash here with Web Crypto (RFC 8785 canonical JSON, RFC 9162 Merkle hashing) and checks the signed checkpoint — nothing is taken on the server’s word.</p>
      <button onClick={() => void run()} disabled={busy}>
        {busy ? 'Verifying…' : steps ? 'Verify again' : 'Verify in this browser'}
      </button>
      {error && <ErrorBox error={error} />}
      {steps && (
        <div role="status" style={{ marginTop: '0.75rem' }}>
          <div className={ok ? 'ok-box' : 'error'}>{ok ? 'Verified: this record is in the log exactly as shown.' : 'Verification failed: this record does not match the log.'}</div>
          <ul className="steps">
            {steps.map((s) => (
              <li key={s.label}>
                <Badge value={s.ok ? 'pass' : 'fail'} label={s.ok ? 'ok' : 'failed'} /> <strong>{s.label}</strong>
                <div className="small muted mono">{s.detail}</div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

interface Record extends EvidenceSummary {
  leafHash: string;
  content: unknown;
  expiredAt: string | null;
}

export function EvidenceDetailPage({ id }: { id: string }) {
  const state = useApi<Record>(`/api/v1/evidence/${encodeURIComponent(id)}`);
  return (
    <Async state={state} what="the record">
      {(r) => (
        <>
          <PageHead title={`${r.kind} · ${r.subject}`} crumbs={[{ href: '/evidence', label: 'Evidence' }]} intro={`Record ${r.leafIndex} of the log`} />
          <div className="grid wide">
            <section className="card" aria-labelledby="env-h">
              <h2 id="env-h">Record</h2>
              <dl className="facts">
                <dt>Id</dt>
                <dd className="mono">{r.id}</dd>
                <dt>Source</dt>
                <dd>{r.source}</dd>
                <dt>Effective</dt>
                <dd>{fmtTime(r.effectiveAt)}</dd>
                <dt>Collected</dt>
                <dd>{fmtTime(r.collectedAt)}</dd>
                <dt>Content hash</dt>
                <dd className="mono small">{r.contentHash}</dd>
                <dt>Leaf hash</dt>
                <dd className="mono small">{r.leafHash}</dd>
              </dl>
              {r.attachments.length > 0 && (
                <>
                  <h3 style={{ marginTop: '1rem' }}>Attachments</h3>
                  <ul>
                    {r.attachments.map((a) => (
                      <li key={a.sha256}>
                        <a href={`/api/v1/evidence/${encodeURIComponent(r.id)}/attachments/${a.sha256}?inline=true`} target="_blank" rel="noreferrer">
                          {a.name}
                        </a>{' '}
                        <span className="small muted">
                          {a.mediaType}, {a.size} bytes
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
            <Verify id={r.id} />
          </div>
          <section className="card" aria-labelledby="content-h">
            <h2 id="content-h">Content</h2>
            {r.expiredAt ? <p className="muted">Retention deleted the content on {fmtTime(r.expiredAt)}; its hash remains and still proves.</p> : <pre>{JSON.stringify(r.content, null, 2)}</pre>}
          </section>
        </>
      )}
    </Async>
  );
}
