/** Load data from the API into a component: loading, error and data, refetched on `reload()`, replaced by `set()`. */
import { useCallback, useEffect, useState } from 'react';
import { api, type Query } from '../api/client.ts';
import { useLive } from './live.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
  /**
   * Show what a change answered with (a PATCH that returns the resource as it now is) at once, in
   * the same render as the message saying it was saved, instead of fetching it again.
   */
  set: (data: T) => void;
}

export function useApi<T>(path: string | null, query?: Query, opts?: { live?: boolean }): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  const key = path === null ? null : `${path}?${JSON.stringify(query ?? {})}`;
  useEffect(() => {
    if (key === null || path === null) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api
      .get<T>(path, query, { signal: ctl.signal })
      .then((data) => setState({ data, loading: false }))
      .catch((error: Error) => {
        if (error.name !== 'AbortError') setState((s) => ({ data: s.data, error, loading: false }));
      });
    return () => ctl.abort();
    // The key stands for path and query together.
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const set = useCallback((data: T) => setState({ data, loading: false }), []);
  useLive(opts?.live ? reload : undefined);
  return { data: state.data, error: state.error, loading: state.loading, reload, set };
}
