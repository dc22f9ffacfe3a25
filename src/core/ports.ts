/**
 * The narrow shape core services need from the alerter. Services take these
 * (not the whole modules), so each shows exactly what it touches and tests can pass real ones.
 */
import type { Executor } from '../db/client.ts';
import type { AlertInput } from '../notify/alerts.ts';

export interface AlertRaiser {
  /** Enqueue an alert (inside `tx` when given); raising the same alert twice delivers it once. */
  raise(workspaceId: string, alert: AlertInput, tx?: Executor): Promise<unknown>;
}
