/** The channels vigil.yaml declares, built once per process and looked up by name when sending. */
import type { AlertsConfig } from '../core/config/schema.ts';
import type { Channel } from './channel.ts';
import { createEmailChannel } from './email.ts';
import { createSlackChannel } from './slack.ts';
import { createWebhookChannel } from './webhook.ts';

export function createChannels(alerts: Pick<AlertsConfig, 'channels'>, options: { publicUrl?: string | undefined } = {}): Map<string, Channel> {
  const channels = new Map<string, Channel>();
  for (const cfg of alerts.channels) {
    const channel =
      cfg.type === 'webhook'
        ? createWebhookChannel(cfg, options)
        : cfg.type === 'slack'
          ? createSlackChannel(cfg, options)
          : createEmailChannel(cfg, options);
    channels.set(cfg.name, channel);
  }
  return channels;
}

export async function closeChannels(channels: Iterable<Channel>): Promise<void> {
  await Promise.all([...channels].map((c) => c.close?.()));
}
