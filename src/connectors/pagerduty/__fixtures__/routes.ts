/**
 * The recorded happy path: every request one collection of a small PagerDuty account makes, in the
 * shapes the PagerDuty REST API v2 reference documents, with a second page of incidents and of one
 * incident's log entries. Test time starts at 2026-01-01T00:00:00Z and the test config looks back
 * 30 days, so the incident listing is one date window with a known `since` and `until`.
 */
import type { FixtureRoute } from '../../sdk/testing/index.ts';

export const fixturesDir = new URL('./', import.meta.url);

export const TOKEN = 'pd-test-key-y_NbAkKc66ryYTWUXYEu';
export const window = { since: '2025-12-02T00:00:00.000Z', until: '2026-01-01T00:00:00.000Z' };
export const incidentsQuery = (offset: number) => ({ ...window, time_zone: 'UTC', sort_by: 'created_at:asc', offset: String(offset), limit: '2' });
export const logQuery = (offset: number) => ({ is_overview: 'true', time_zone: 'UTC', offset: String(offset), limit: '2' });

export const routes: FixtureRoute[] = [
  { name: 'abilities', path: '/abilities', reply: { fixture: 'abilities.json' } },
  { name: 'incidents page 1', path: '/incidents', query: incidentsQuery(0), reply: { fixture: 'incidents.page1.json' } },
  { name: 'PT4KHLK log page 1', path: '/incidents/PT4KHLK/log_entries', query: logQuery(0), reply: { fixture: 'log-entries.PT4KHLK.page1.json' } },
  { name: 'PT4KHLK log page 2', path: '/incidents/PT4KHLK/log_entries', query: logQuery(2), reply: { fixture: 'log-entries.PT4KHLK.page2.json' } },
  { name: 'PT4KHLK notes', path: '/incidents/PT4KHLK/notes', reply: { fixture: 'notes.PT4KHLK.json' } },
  { name: 'PQ7W2XH log', path: '/incidents/PQ7W2XH/log_entries', query: logQuery(0), reply: { fixture: 'log-entries.PQ7W2XH.json' } },
  { name: 'PQ7W2XH notes', path: '/incidents/PQ7W2XH/notes', reply: { fixture: 'notes.empty.json' } },
  { name: 'incidents page 2', path: '/incidents', query: incidentsQuery(2), reply: { fixture: 'incidents.page2.json' } },
  { name: 'PKD9F0L log', path: '/incidents/PKD9F0L/log_entries', query: logQuery(0), reply: { fixture: 'log-entries.PKD9F0L.json' } },
  { name: 'PKD9F0L notes', path: '/incidents/PKD9F0L/notes', reply: { fixture: 'notes.empty.json' } },
];

/** A test config pointing at the fixture server, with a distinctive key to hunt for in output. */
export const testConfig = (baseUrl: string) => ({ baseUrl, token: TOKEN, lookbackDays: 30, pageSize: 2 });

/** PagerDuty wraps errors as { error: { message, code, errors } }. */
export const errorBody = (message: string) => ({ error: { message, code: 2010, errors: [message] } });
