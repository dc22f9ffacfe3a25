/** Sources: health (last success, last error, what could not be read), test, collect, and add one. */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.ts';
import type { Source } from '../api/shapes.ts';
import { SchemaFields, type JsonSchema, type Values } from '../components/schema-form.tsx';
import { Async, Badge, Empty, ErrorBox, PageHead } from '../components/ui.tsx';
import { fmtDuration, fmtTime, relTime } from '../lib/format.ts';
import { useCan } from '../lib/session.tsx';
import { useApi } from '../lib/use-api.ts';

interface TestResult {
  ok: true;
  summary: string;
  details?: Record<string, string | number | boolean>;
}

interface Connector {
  type: string;
  title: string;
  description: string;
  auth: { description: string; permissions: string[] };
  resources: { name: string; description: string }[];
}

const health: Record<Source['status'], [string, string]> = {
  ok: ['healthy', 'healthy'],
  partial: ['degraded', 'partial: some data could not be read'],
  failing: ['failing', 'failing'],
  never_run: ['never', 'not collected yet'],
};

function SourceCard({ s, admin }: { s: Source; admin: boolean }) {
  const [test, setTest] = useState<{ result?: TestResult; error?: Error; busy?: boolean }>({});
  const [collect, setCollect] = useState<{ msg?: string; error?: Error }>({});
  const runTest = async () => {
    setTest({ busy: true });
    try {
      setTest({ result: await api.post<TestResult>(`/api/v1/sources/${encodeURIComponent(s.name)}/test`) });
    } catch (e) {
      setTest({ error: e as Error });
    }
  };
  const runCollect = async () => {
    try {
      await api.post(`/api/v1/sources/${encodeURIComponent(s.name)}/collect`);
      setCollect({ msg: 'Collection started; results update live.' });
    } catch (e) {
      setCollect({ error: e as Error });
    }
  };
  const [tone, label] = health[s.status];
  return (
    <section className="card" aria-labelledby={`src-${s.name}`}>
      <h2 id={`src-${s.name}`}>
        <span>
          {s.name} <span className="small muted">{s.title}</span>
        </span>
        <Badge value={tone} label={label} />
      </h2>
      <dl className="facts small">
        <dt>Last success</dt>
        <dd title={fmtTime(s.lastSuccessAt)}>{s.lastSuccessAt ? relTime(s.lastSuccessAt) : 'never'}</dd>
        <dt>Last error</dt>
        <dd>{s.lastError ? `${relTime(s.lastErrorAt)}: ${s.lastError}` : 'none'}</dd>
        <dt>Schedule</dt>
        <dd>{s.schedule ? `every ${fmtDuration(s.schedule)}` : 'manual'}</dd>
        <dt>Provides</dt>
        <dd>{s.provides.join(', ') || '—'}</dd>
      </dl>
      {s.missing.length > 0 && (
        <>
          <h3 style={{ marginTop: '0.75rem' }}>Could not read</h3>
          <ul className="small">
            {s.missing.map((m) => (
              <li key={m.what}>
                <strong>{m.what}</strong> ({m.kind.replace('_', ' ')}): {m.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {admin && (
        <div className="actions" style={{ marginTop: '0.75rem' }}>
          <button className="secondary" onClick={() => void runTest()} disabled={test.busy}>
            {test.busy ? 'Testing…' : 'Test connection'}
          </button>
          <button className="secondary" onClick={() => void runCollect()}>
            Collect now
          </button>
        </div>
      )}
      <div aria-live="polite">
        {test.result && <div className="ok-box small" style={{ marginTop: '0.5rem' }}>Connection works: {test.result.summary}</div>}
        {test.error && <ErrorBox error={test.error} />}
        {collect.msg && <p className="small">{collect.msg}</p>}
        {collect.error && <ErrorBox error={collect.error} />}
      </div>
    </section>
  );
}

function AddSource({ onClose }: { onClose: () => void }) {
  const connectors = useApi<Connector[]>('/api/v1/connectors');
  const [type, setType] = useState('');
  const detail = useApi<Connector & { configSchema: JsonSchema }>(type ? `/api/v1/connectors/${encodeURIComponent(type)}` : null);
  const [name, setName] = useState('');
  const [values, setValues] = useState<Values>({});
  const [test, setTest] = useState<{ result?: TestResult; error?: Error; busy?: boolean }>({});
  const [added, setAdded] = useState<{ yaml: string; env: string[]; hint?: string }>();
  const [error, setError] = useState<Error>();
  const runTest = async () => {
    setTest({ busy: true });
    try {
      setTest({ result: await api.post<TestResult>(`/api/v1/connectors/${encodeURIComponent(type)}/test`, { config: values }) });
    } catch (e) {
      setTest({ error: e as Error });
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/v1/sources', { name, type, config: values });
      onClose();
    } catch (err) {
      // The server cannot store sources yet (501): it answers with the vigil.yaml entry to add.
      const body = err instanceof ApiError ? (err.body as { yaml?: string; env?: string[] } | undefined) : undefined;
      if (err instanceof ApiError && err.status === 501 && body?.yaml) setAdded({ yaml: body.yaml, env: body.env ?? [], hint: err.hint });
      else setError(err as Error);
    }
  };
  return (
    <section className="card" aria-labelledby="add-h" style={{ marginBottom: '1rem' }}>
      <h2 id="add-h">Add a source</h2>
      <Async state={connectors} what="connectors">
        {(list) => (
          <form className="stack" onSubmit={submit}>
            <label>
              Connector
              <select value={type} required onChange={(e) => { setType(e.target.value); setValues({}); setTest({}); setAdded(undefined); }}>
                <option value="">choose…</option>
                {list.map((c) => (
                  <option key={c.type} value={c.type}>
                    {c.title}
                  </option>
                ))}
              </select>
            </label>
            {type && (
              <Async state={detail} what="the connector">
                {(c) => (
                  <>
                    <p className="small muted">{c.description}</p>
                    <div className="notice small">
                      <strong>Access it needs:</strong> {c.auth.description}
                      {c.auth.permissions.length > 0 && <ul>{c.auth.permissions.map((p) => <li key={p}>{p}</li>)}</ul>}
                    </div>
                    <label>
                      Name <span className="field-help">How this source is called in Vigil: lower case, digits, - and _.</span>
                      <input required pattern="[a-z0-9][a-z0-9_\-]*" value={name} onChange={(e) => setName(e.target.value)} />
                    </label>
                    <SchemaFields schema={c.configSchema} values={values} onChange={setValues} />
                    <div className="actions">
                      <button type="button" className="secondary" onClick={() => void runTest()} disabled={test.busy}>
                        {test.busy ? 'Testing…' : 'Test connection'}
                      </button>
                      <button type="submit">Add source</button>
                      <button type="button" className="link" onClick={onClose}>
                        Cancel
                      </button>
                    </div>
                    <div aria-live="polite">
                      {test.result && <div className="ok-box">Connection works: {test.result.summary}</div>}
                      {test.error && <ErrorBox error={test.error} />}
                      {error && <ErrorBox error={error} />}
                      {added && (
                        <div className="notice">
                          <p>
                            <strong>One more step.</strong> Sources live in <code>vigil.yaml</code> for now, with secrets in the environment. {added.hint}
                          </p>
                          <pre aria-label="vigil.yaml entry">{added.yaml}</pre>
                          {added.env.length > 0 && <p className="small">Set: {added.env.map((v) => <code key={v}>{v} </code>)}</p>}
                        </div>
                      )}
                    </div>
                  </>
                )}
              </Async>
            )}
          </form>
        )}
      </Async>
    </section>
  );
}

export function SourcesPage() {
  const state = useApi<Source[]>('/api/v1/sources', undefined, { live: true });
  const admin = useCan('admin');
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHead title="Sources" intro="Where evidence comes from. A source that fails or cannot read something says so here — integrations never fail silently.">
        {admin && !adding && <button onClick={() => setAdding(true)}>Add a source</button>}
      </PageHead>
      {adding && <AddSource onClose={() => { setAdding(false); state.reload(); }} />}
      <Async state={state} what="sources">
        {(list) =>
          list.length ? (
            <div className="grid wide">
              {list.map((s) => (
                <SourceCard key={s.name} s={s} admin={admin} />
              ))}
            </div>
          ) : (
            <Empty title="No sources yet">{admin ? 'Add one to start collecting evidence.' : 'An admin adds sources.'}</Empty>
          )
        }
      </Async>
    </>
  );
}
