/**
 * Sources: health (last success, last error, what could not be read), test, collect, add one, and
 * change or remove one added here (a vigil.yaml source is changed in the file).
 */
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
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

const origins: Record<'config' | 'api', string> = { config: 'vigil.yaml', api: 'added here' };

/** Change a source added through the API: schedule, enabled and its config (secrets kept unless typed anew). */
function EditSource({ s, onDone }: { s: Source; onDone: () => void }) {
  const detail = useApi<{ config: Values | null }>(`/api/v1/sources/${encodeURIComponent(s.name)}`);
  const connector = useApi<Connector & { configSchema: JsonSchema }>(`/api/v1/connectors/${encodeURIComponent(s.type)}`);
  const [values, setValues] = useState<Values>();
  const [schedule, setSchedule] = useState(s.schedule ?? '');
  const [enabled, setEnabled] = useState(s.enabled);
  const [error, setError] = useState<Error>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      // A secret left empty is left out, so the stored one is kept.
      await api.patch(`/api/v1/sources/${encodeURIComponent(s.name)}`, { schedule: schedule.trim() || null, enabled, ...(values ? { config: values } : {}) });
      onDone();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <Async state={connector} what="the connector">
      {(c) => (
        <Async state={detail} what="the source">
          {(d) => (
            <form className="stack" onSubmit={submit} aria-label={`Edit ${s.name}`} style={{ marginTop: '0.75rem' }}>
              <label>
                Schedule <span className="field-help">An ISO 8601 duration (PT1H) or a cron expression; empty for the default (hourly).</span>
                <input value={schedule} onChange={(e) => setSchedule(e.target.value)} placeholder="PT1H" />
              </label>
              <label className="inline">
                <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
              </label>
              <SchemaFields
                schema={c.configSchema}
                values={values ?? Object.fromEntries(Object.entries(d.config ?? {}).filter(([, v]) => v !== '[REDACTED]'))}
                onChange={setValues}
                storedSecrets
              />
              <div className="actions">
                <button type="submit">Save</button>
                <button type="button" className="link" onClick={onDone}>
                  Cancel
                </button>
              </div>
              {error && <ErrorBox error={error} />}
            </form>
          )}
        </Async>
      )}
    </Async>
  );
}

function SourceCard({ s, admin, onChanged }: { s: Source; admin: boolean; onChanged: () => void }) {
  const [test, setTest] = useState<{ result?: TestResult; error?: Error; busy?: boolean }>({});
  const [collect, setCollect] = useState<{ msg?: string; error?: Error }>({});
  const [editing, setEditing] = useState(false);
  const [removeError, setRemoveError] = useState<Error>();
  const remove = async () => {
    if (!window.confirm(`Remove the source "${s.name}"? It stops being collected; what it collected stays.`)) return;
    try {
      await api.del(`/api/v1/sources/${encodeURIComponent(s.name)}`);
      onChanged();
    } catch (e) {
      setRemoveError(e as Error);
    }
  };
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
      setCollect({ msg: 'Collection started; this card updates when it ends.' });
    } catch (e) {
      setCollect({ error: e as Error });
      return;
    }
    // The run ends by recording its time: watch for it, then show the new health.
    const before = s.lastRunAt;
    for (let i = 0; i < 150; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      const now = await api.get<Source>(`/api/v1/sources/${encodeURIComponent(s.name)}`).catch(() => undefined);
      if (now && now.lastRunAt !== before) {
        setCollect({ msg: `Collection finished: ${health[now.status][1]}.` });
        onChanged();
        return;
      }
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
        <dt>Defined in</dt>
        <dd>{s.origin ? origins[s.origin] : 'removed: its history is kept'}</dd>
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
      {admin && s.origin && (
        <div className="actions" style={{ marginTop: '0.75rem' }}>
          <button className="secondary" onClick={() => void runTest()} disabled={test.busy}>
            {test.busy ? 'Testing…' : 'Test connection'}
          </button>
          <button className="secondary" onClick={() => void runCollect()} disabled={!s.enabled}>
            Collect now
          </button>
          {s.origin === 'api' && !editing && (
            <>
              <button className="secondary" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button className="secondary" onClick={() => void remove()}>
                Remove
              </button>
            </>
          )}
        </div>
      )}
      {editing && (
        <EditSource
          s={s}
          onDone={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
      <div aria-live="polite">
        {test.result && <div className="ok-box small" style={{ marginTop: '0.5rem' }}>Connection works: {test.result.summary}</div>}
        {test.error && <ErrorBox error={test.error} />}
        {collect.msg && <p className="small">{collect.msg}</p>}
        {collect.error && <ErrorBox error={collect.error} />}
        {removeError && <ErrorBox error={removeError} />}
      </div>
    </section>
  );
}

function AddSource({ onClose, onAdded }: { onClose: () => void; onAdded: (name: string) => void }) {
  const connectors = useApi<Connector[]>('/api/v1/connectors');
  const [type, setType] = useState('');
  const detail = useApi<Connector & { configSchema: JsonSchema }>(type ? `/api/v1/connectors/${encodeURIComponent(type)}` : null);
  const [name, setName] = useState('');
  const [values, setValues] = useState<Values>({});
  const [schedule, setSchedule] = useState('');
  const [test, setTest] = useState<{ result?: TestResult; error?: Error; busy?: boolean }>({});
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
      // Stored with its secrets encrypted; the answer shows them masked.
      await api.post('/api/v1/sources', { name, type, config: values, ...(schedule.trim() ? { schedule: schedule.trim() } : {}) });
      onAdded(name);
    } catch (err) {
      setError(err as Error);
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
              <select value={type} required onChange={(e) => { setType(e.target.value); setValues({}); setTest({}); setError(undefined); }}>
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
                    <label>
                      Schedule <span className="field-help">How often to collect: an ISO 8601 duration (PT1H) or a cron expression. Empty: hourly.</span>
                      <input value={schedule} onChange={(e) => setSchedule(e.target.value)} placeholder="PT1H" />
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
  const [added, setAdded] = useState<string>();
  return (
    <>
      <PageHead title="Sources" intro="Where evidence comes from. A source that fails or cannot read something says so here — integrations never fail silently.">
        {admin && !adding && (
          <button
            onClick={() => {
              setAdding(true);
              setAdded(undefined);
            }}
          >
            Add a source
          </button>
        )}
      </PageHead>
      {adding && (
        <AddSource
          onClose={() => setAdding(false)}
          onAdded={(name) => {
            setAdding(false);
            setAdded(name);
            state.reload();
          }}
        />
      )}
      {added && (
        <div className="ok-box" role="status" style={{ marginBottom: '1rem' }}>
          Source “{added}” added; its secrets are stored encrypted. Test it or collect it now below, or wait for its schedule.
        </div>
      )}
      <Async state={state} what="sources">
        {(list) =>
          list.length ? (
            <div className="grid wide">
              {list.map((s) => (
                <SourceCard key={s.name} s={s} admin={admin} onChanged={state.reload} />
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
