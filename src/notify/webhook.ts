/**
 * The generic webhook: a JSON body (documented in docs/alerts.md) signed so a receiver can prove
 * Vigil sent it and reject replays. `Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">` — the scheme Stripe and others use, so receivers already know how to check it.
 */
import { createHmac } from 'node:crypto';
import type { AlertChannelConfig } from '../core/config/schema.ts';
import type { Alert } from './alerts.ts';
import { channelWhere, type Channel, type Delivery } from './channel.ts';
import { postJson } from './http.ts';
import { alertPath, vigilUrl } from './view.ts';

export type WebhookChannelConfig = Extract<AlertChannelConfig, { type: 'webhook' }>;

export interface WebhookBody {
  /** The delivery id, as in Vigil-Delivery-Id. */
  id: string;
  event: Alert['kind'];
  workspaceId: string;
  raisedAt: string;
  /** Where to see it in Vigil; null when server.publicUrl is not set. */
  url: string | null;
  data: Alert['payload'];
}

export function webhookBody(delivery: Delivery, publicUrl?: string): WebhookBody {
  return {
    id: delivery.id,
    event: delivery.alert.kind,
    workspaceId: delivery.workspaceId,
    raisedAt: delivery.raisedAt.toISOString(),
    url: vigilUrl(publicUrl, alertPath(delivery.alert)) ?? null,
    data: delivery.alert.payload,
  };
}

/** The Vigil-Signature header value for `body` sent at unix time `t` (seconds). */
export function signatureHeader(secret: string, t: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

export interface ChannelOptions {
  /** server.publicUrl: links back into Vigil. */
  publicUrl?: string | undefined;
  /** Unix time for the signature; the system clock by default (receivers compare it with theirs). */
  now?: () => number;
}

export function createWebhookChannel(cfg: WebhookChannelConfig, options: ChannelOptions = {}): Channel {
  const now = options.now ?? Date.now;
  const where = channelWhere(cfg.name);
  return {
    name: cfg.name,
    type: 'webhook',
    timeoutMs: cfg.timeoutMs,
    async send(delivery) {
      const body = JSON.stringify(webhookBody(delivery, options.publicUrl));
      const t = Math.floor(now() / 1000);
      await postJson({
        url: cfg.url,
        body,
        headers: {
          'vigil-signature': signatureHeader(cfg.secret, t, body),
          'vigil-delivery-id': delivery.id,
          'vigil-event': delivery.alert.kind,
        },
        timeoutMs: cfg.timeoutMs,
        label: `webhook channel "${cfg.name}"`,
        where,
      });
    },
  };
}
