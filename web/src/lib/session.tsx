/** Who is signed in and what they may do, for every page (from GET /api/v1/auth/session). */
import { createContext, useContext } from 'react';
import type { Session } from '../api/types.ts';

export interface SessionState extends Session {
  refresh: () => Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in app');
  return s;
}

/** Whether the signed-in user holds a permission (the server decides; this only hides buttons). */
export const useCan = (permission: string): boolean => useSession().permissions.includes(permission);
