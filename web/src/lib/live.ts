/**
 * Live updates: one EventSource on /api/v1/events for the whole page, shared by every component
 * that wants to refetch when results or findings change. Bursts are folded into one refetch per
 * second so a collection run that changes hundreds of results does not hammer the API.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';

type Status = 'connecting' | 'live' | 'offline';
const subscribers = new Set<() => void>();
const statusListeners = new Set<() => void>();
let source: EventSource | undefined;
let status: Status = 'offline';
let timer: ReturnType<typeof setTimeout> | undefined;
let lastEvent: string | null = null;
let allowed = false;

/** Live events are for roles that read operations (not auditors); the app says which this is. */
export function setLiveAllowed(yes: boolean): void {
  allowed = yes;
  if (!yes) disconnect();
  else if (subscribers.size) connect();
}

function setStatus(s: Status) {
  status = s;
  for (const f of statusListeners) f();
}

function notify(type: string) {
  lastEvent = `${type} at ${new Date().toISOString()}`;
  if (timer) return;
  timer = setTimeout(() => {
    timer = undefined;
    for (const f of subscribers) f();
    for (const f of statusListeners) f();
  }, 1000);
}

function connect() {
  if (source || !allowed || typeof EventSource === 'undefined') return;
  setStatus('connecting');
  source = new EventSource('/api/v1/events', { withCredentials: true });
  source.onopen = () => setStatus('live');
  source.onerror = () => setStatus(source?.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  for (const t of ['results', 'finding', 'findings']) source.addEventListener(t, () => notify(t));
}

function disconnect() {
  source?.close();
  source = undefined;
  setStatus('offline');
}

/** Refetch with `onChange` whenever the server announces a change (pass undefined to opt out). */
export function useLive(onChange: (() => void) | undefined): void {
  const ref = useRef(onChange);
  ref.current = onChange;
  const enabled = onChange !== undefined;
  useEffect(() => {
    if (!enabled) return;
    const f = () => ref.current?.();
    subscribers.add(f);
    connect();
    return () => {
      subscribers.delete(f);
      if (!subscribers.size) disconnect();
    };
  }, [enabled]);
}

/** The connection's state, for the indicator in the header. */
export function useLiveStatus(): { status: Status; lastEvent: string | null } {
  const s = useSyncExternalStore(
    (f) => {
      statusListeners.add(f);
      return () => void statusListeners.delete(f);
    },
    () => `${status}|${lastEvent ?? ''}`,
  );
  const [st, ev] = s.split('|');
  return { status: st as Status, lastEvent: ev || null };
}
