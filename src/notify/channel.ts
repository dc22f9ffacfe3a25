/**
 * What every channel is, what it is given, and how it says "retry" or "give up". Channels throw a
 * VigilError whose `details.retryable` tells the dispatcher which; messages name the channel and
 * the receiver's host and answer, never a URL's token, a secret or a password.
 */
import type { ChannelType } from '../db/schema/outbox-deliveries.ts';
import { VigilError, type ErrorTag } from '../lib/errors.ts';
import type { Alert } from './alerts.ts';

export type { ChannelType };

/** One alert on its way to one channel. */
export interface Delivery {
  /** Stable across retries: Vigil-Delivery-Id, the email Message-ID. */
  id: string;
  workspaceId: string;
  channel: string;
  alert: Alert;
  raisedAt: Date;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  /** The longest one send may take; the dispatcher's lease must outlast it. */
  readonly timeoutMs: number;
  send(delivery: Delivery): Promise<void>;
  /** Release connections (SMTP). */
  close?(): Promise<void>;
}

export interface DeliveryErrorDetails {
  retryable: boolean;
  /** HTTP status or SMTP reply code, when the receiver answered. */
  status?: number;
  /** From Retry-After: wait at least this long before the next attempt. */
  retryAfterMs?: number;
}

export function deliveryError(
  tag: ErrorTag,
  message: string,
  details: DeliveryErrorDetails,
  options: { where: string; hint?: string; cause?: unknown },
): VigilError {
  return new VigilError(tag, message, { ...options, details: { ...details } });
}

/** Whether a failed send should be tried again. Errors that are not ours may be transient: retry. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof VigilError) return e.details?.retryable !== false;
  return true;
}

export function retryAfterOf(e: unknown): number | undefined {
  const v = e instanceof VigilError ? e.details?.retryAfterMs : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** One line for last_error: the tag and the message, with nothing that is not already safe. */
export function describeFailure(e: unknown): string {
  if (e instanceof VigilError) return `${e._tag}: ${e.message}`;
  return `Internal: ${e instanceof Error ? e.message : String(e)}`;
}

export const channelWhere = (name: string) => `alerts.channels.${name}`;
