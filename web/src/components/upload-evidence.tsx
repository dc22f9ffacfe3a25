/** Upload manual evidence for a control (a signed policy, a screenshot, board minutes). */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { EvidenceSummary } from '../api/shapes.ts';
import { ErrorBox, Link } from './ui.tsx';

export function UploadEvidence({ control, onDone }: { control: string; onDone: () => void }) {
  const file = useRef<HTMLInputElement>(null);
  const [note, setNote] = useState('');
  const [effectiveAt, setEffectiveAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [added, setAdded] = useState<EvidenceSummary>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const f = file.current?.files?.[0];
    if (!f) return;
    const body = new FormData();
    body.set('control', control);
    body.set('file', f);
    if (note) body.set('note', note);
    if (effectiveAt) body.set('effectiveAt', effectiveAt);
    setBusy(true);
    setError(undefined);
    try {
      setAdded(await api.post<EvidenceSummary>('/api/v1/evidence', body));
      setNote('');
      if (file.current) file.current.value = '';
      onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Upload evidence" style={{ marginTop: '0.75rem' }}>
      <label>
        File
        <input ref={file} type="file" required />
      </label>
      <label>
        Note
        <input value={note} placeholder="what it shows" onChange={(e) => setNote(e.target.value)} />
      </label>
      <label>
        About the date <span className="field-help">(default today)</span>
        <input type="date" value={effectiveAt} onChange={(e) => setEffectiveAt(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Uploading…' : 'Upload evidence'}
      </button>
      {error && <ErrorBox error={error} />}
      {added && (
        <p className="small" role="status">
          Logged as record {added.leafIndex}: <Link href={`/evidence/${encodeURIComponent(added.id)}`}>open it</Link>.
        </p>
      )}
    </form>
  );
}
