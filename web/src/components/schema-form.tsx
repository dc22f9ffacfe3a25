/**
 * A form generated from a connector's config JSON Schema (zod → JSON Schema on the server): one
 * field per property, descriptions as help text, secrets (x-secret / writeOnly) as password fields
 * that are never echoed back. Empty fields are left out so the connector's defaults apply. When
 * editing a stored config (`storedSecrets`), an empty secret field keeps the stored secret.
 */
import { useId } from 'react';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  description?: string;
  default?: unknown;
  format?: string;
  writeOnly?: boolean;
  'x-secret'?: boolean;
  anyOf?: JsonSchema[];
}

export type Values = Record<string, unknown>;

const typeOf = (s: JsonSchema): string => (Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'string') : (s.type ?? (s.anyOf ? typeOf(s.anyOf[0]!) : 'string')));

function Field({
  name,
  schema,
  required,
  value,
  onChange,
  path,
  storedSecrets,
}: {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
  path: string;
  storedSecrets: boolean;
}) {
  const id = useId();
  const type = typeOf(schema);
  const secret = schema['x-secret'] === true || schema.writeOnly === true;
  const help = (
    <span className="field-help">
      {schema.description}
      {schema.default !== undefined && typeof schema.default !== 'object' ? ` Default: ${String(schema.default)}.` : ''}
    </span>
  );
  const label = (
    <>
      {name}
      {required ? <span aria-hidden="true"> *</span> : <span className="field-help"> (optional)</span>}
      {secret && <span className="field-help"> · secret: {storedSecrets ? 'leave empty to keep the stored one' : 'stored masked, never shown again'}</span>}
    </>
  );
  if (type === 'object' && schema.properties) {
    return (
      <fieldset style={{ border: '1px solid var(--border)', borderRadius: 6 }}>
        <legend>
          <strong>{name}</strong> {help}
        </legend>
        <SchemaFields schema={schema} values={(value as Values) ?? {}} onChange={(v) => onChange(Object.keys(v).length ? v : undefined)} path={path} storedSecrets={storedSecrets} />
      </fieldset>
    );
  }
  if (type === 'boolean') {
    return (
      <label className="inline" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === undefined ? schema.default === true : value === true} onChange={(e) => onChange(e.target.checked)} /> {label} {help}
      </label>
    );
  }
  if (schema.enum) {
    return (
      <label htmlFor={id}>
        {label}
        <select id={id} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          <option value="">{schema.default !== undefined ? `default (${String(schema.default)})` : '—'}</option>
          {schema.enum.map((v) => (
            <option key={String(v)} value={String(v)}>
              {JSON.stringify(v).replace(/^"|"$/g, '')}
            </option>
          ))}
        </select>
        {help}
      </label>
    );
  }
  if (type === 'array' && schema.items && typeOf(schema.items) === 'string') {
    return (
      <label htmlFor={id}>
        {label}
        <textarea id={id} value={Array.isArray(value) ? value.join('\n') : ''} placeholder="one per line" onChange={(e) => {
          const list = e.target.value.split('\n').map((s) => s.trim()).filter(Boolean);
          onChange(list.length ? list : undefined);
        }} />
        {help}
      </label>
    );
  }
  if (type === 'array' || type === 'object') {
    return (
      <label htmlFor={id}>
        {label} <span className="field-help">(JSON)</span>
        <textarea id={id} className="mono" defaultValue={value === undefined ? '' : JSON.stringify(value, null, 2)} onChange={(e) => {
          try {
            onChange(e.target.value.trim() ? (JSON.parse(e.target.value) as unknown) : undefined);
          } catch {
            // Keep the last valid value while the person is still typing.
          }
        }} />
        {help}
      </label>
    );
  }
  const numeric = type === 'number' || type === 'integer';
  return (
    <label htmlFor={id}>
      {label}
      <input
        id={id}
        name={path}
        type={secret ? 'password' : numeric ? 'number' : schema.format === 'uri' ? 'url' : 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        required={required && schema.default === undefined && !(secret && storedSecrets)}
        value={value === undefined ? '' : String(value)}
        placeholder={secret && storedSecrets ? 'stored (unchanged)' : schema.default !== undefined && typeof schema.default !== 'object' ? String(schema.default) : undefined}
        onChange={(e) => onChange(e.target.value === '' ? undefined : numeric ? Number(e.target.value) : e.target.value)}
      />
      {help}
    </label>
  );
}

export function SchemaFields({
  schema,
  values,
  onChange,
  path = '',
  storedSecrets = false,
}: {
  schema: JsonSchema;
  values: Values;
  onChange: (v: Values) => void;
  path?: string;
  /** Editing a stored config: secret fields are optional, and empty keeps the stored secret. */
  storedSecrets?: boolean;
}) {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {}).sort(([a], [b]) => Number(required.has(b)) - Number(required.has(a)));
  return (
    <>
      {entries.map(([k, s]) => (
        <Field
          key={k}
          name={k}
          path={path ? `${path}.${k}` : k}
          schema={s}
          required={required.has(k)}
          storedSecrets={storedSecrets}
          value={values[k]}
          onChange={(v) => {
            const next = { ...values };
            if (v === undefined) delete next[k];
            else next[k] = v;
            onChange(next);
          }}
        />
      ))}
    </>
  );
}
