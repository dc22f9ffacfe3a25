/**
 * What a member owns: the controls whose owner is their email. A member works findings of those
 * controls (and findings assigned to them) and adds evidence for those controls; an admin may do
 * both everywhere. Compared case-insensitively: YAML authors write emails as they like.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { controls } from '../../db/schema/controls.ts';
import type { FindingRow } from '../../db/schema/findings.ts';
import { VigilError } from '../../lib/errors.ts';
import type { Principal } from '../context.ts';

export async function ownedControls(db: Database, workspaceId: string, email: string): Promise<string[]> {
  const rows = await db.orm
    .select({ id: controls.id })
    .from(controls)
    .where(and(eq(controls.workspaceId, workspaceId), sql`lower(${controls.owner}) = ${email.toLowerCase()}`));
  return rows.map((r) => r.id).sort();
}

export async function assertCanWorkFinding(db: Database, workspaceId: string, p: Principal, f: Pick<FindingRow, 'id' | 'owner' | 'controls'>): Promise<void> {
  if (p.user.role === 'admin') return;
  if (f.owner && f.owner.toLowerCase() === p.user.email) return;
  const owned = await ownedControls(db, workspaceId, p.user.email);
  if (f.controls.some((c) => owned.includes(c))) return;
  throw new VigilError('PermissionDenied', `finding ${f.id} is not yours to work: it belongs to controls ${f.controls.join(', ') || '(none)'} and is assigned to ${f.owner ?? 'nobody'}`, {
    hint: 'a member works findings of the controls they own (control owner = their email) or assigned to them',
  });
}

export async function assertCanAddEvidence(db: Database, workspaceId: string, p: Principal, controlId: string): Promise<void> {
  if (p.user.role === 'admin') return;
  if ((await ownedControls(db, workspaceId, p.user.email)).includes(controlId)) return;
  throw new VigilError('PermissionDenied', `control ${controlId} is not yours: a member adds evidence only for controls they own`, {
    hint: 'ask an admin to set you as the control’s owner (owner: in the controls YAML)',
  });
}
