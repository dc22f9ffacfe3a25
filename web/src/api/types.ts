/**
 * The shapes the dashboard reads. They follow the API's zod schemas (see /api/v1/openapi.json);
 * fields the API may leave out are optional here so a page degrades instead of crashing.
 */
export type Role = 'admin' | 'member' | 'auditor' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  lastSignInAt: string | null;
  createdAt: string;
}

export interface Session {
  setupRequired: boolean;
  user: User | null;
  via: 'session' | 'token' | null;
  permissions: string[];
  /** Sign-in with OpenID Connect, when the server has it configured. */
  oidc: { label: string; startUrl: string } | null;
}

export interface SignedIn {
  user: User;
  csrfToken: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
