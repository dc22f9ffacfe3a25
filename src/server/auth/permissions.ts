/**
 * Who may do what: the one table of permissions and the roles that hold them. A route names one
 * permission; per-object rules (a member works only findings of controls they own; an auditor sees
 * only their audit periods) are applied by the route on top, through ownership.ts and scope.ts.
 */
import type { UserRole } from '../../core/accounts.ts';

export interface PermissionSpec {
  /** Changes something: refused to read-only API tokens, and needs the CSRF header with a session cookie. */
  write: boolean;
  roles: readonly UserRole[];
  description: string;
}

export const permissions = {
  read: {
    write: false,
    roles: ['admin', 'member', 'auditor', 'viewer'],
    description: 'read controls, checks, results, findings, evidence, frameworks and settings (an auditor: only within their audit periods)',
  },
  'read:operations': {
    write: false,
    roles: ['admin', 'member', 'viewer'],
    description: 'read how Vigil runs: sources, alert channels, users, metrics, live events',
  },
  account: {
    write: true,
    roles: ['admin', 'member', 'auditor', 'viewer'],
    description: 'manage one’s own account: password, API tokens, sign-out',
  },
  'findings:work': {
    write: true,
    roles: ['admin', 'member'],
    description: 'acknowledge, assign and mute findings (a member: findings of controls they own or assigned to them)',
  },
  'evidence:add': {
    write: true,
    roles: ['admin', 'member'],
    description: 'upload manual evidence for a control (a member: for controls they own)',
  },
  'audit:read': {
    write: false,
    roles: ['admin', 'auditor'],
    description: 'read audit periods and export their evidence bundles (an auditor: the periods they are invited to)',
  },
  admin: {
    write: true,
    roles: ['admin'],
    description: 'everything else: users, audit periods, sources, running checks and collections, signing checkpoints',
  },
} as const satisfies Record<string, PermissionSpec>;

export type Permission = keyof typeof permissions;
export const permissionNames = Object.keys(permissions) as Permission[];

/** `public` routes need no sign-in (health, sign-in itself, the OpenAPI document). */
export type Access = 'public' | Permission;

export const roleHas = (role: UserRole, permission: Permission): boolean => (permissions[permission].roles as readonly string[]).includes(role);

/** The roles allowed through an access rule (all of them for public routes). */
export const rolesFor = (access: Access): readonly UserRole[] =>
  access === 'public' ? ['admin', 'member', 'auditor', 'viewer'] : permissions[access].roles;
