/**
 * A small router over the History API: the dashboard has a dozen pages, not worth a dependency.
 * Paths are real URLs (the server falls back to index.html), so links can be shared and opened in
 * new tabs; filters live in the query string for the same reason.
 */
import { useSyncExternalStore, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
const emit = () => listeners.forEach((f) => f());
window.addEventListener('popstate', emit);

export function navigate(to: string, opts?: { replace?: boolean }): void {
  if (to === location.pathname + location.search + location.hash) return;
  if (opts?.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  emit();
  if (!opts?.replace) window.scrollTo(0, 0);
}

export function useLocation(): { path: string; search: URLSearchParams; hash: string } {
  const href = useSyncExternalStore(
    (f) => {
      listeners.add(f);
      return () => void listeners.delete(f);
    },
    () => location.pathname + location.search + location.hash,
  );
  const u = new URL(href, location.origin);
  return { path: u.pathname, search: u.searchParams, hash: u.hash };
}

/** Match `/controls/:id` against a path; returns the decoded parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const trim = (s: string) => s.replace(/\/+$/, '') || '/';
  const p = trim(pattern).split('/');
  const a = trim(path).split('/');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) out[p[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (p[i] !== a[i]) return null;
  }
  return out;
}

/** Click handler for internal links: client-side navigation unless the user asked for a new tab. */
export function linkClick(e: MouseEvent<HTMLAnchorElement>, href: string): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(href);
}

/** Replace some query parameters of the current page (filters), keeping the rest. */
export function setQuery(changes: Record<string, string | undefined>): void {
  const u = new URL(location.href);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  navigate(u.pathname + u.search, { replace: true });
}
