/**
 * Slack incoming webhooks: a Block Kit message a person can read at a glance — header, what
 * failed, the facts (severity, resource, owner, due date) as fields, how to fix, and a "View in
 * Vigil" button when server.publicUrl is set. Text is cut to Block Kit's documented limits (header
 * 150, section 3000, field 2000, 10 fields), since Slack rejects the whole message otherwise.
 */
import type { AlertChannelConfig, Severity } from '../core/config/schema.ts';
import { channelWhere, type Channel, type Delivery } from './channel.ts';
import { postJson } from './http.ts';
import { viewOf } from './view.ts';

export type SlackChannelConfig = Extract<AlertChannelConfig, { type: 'slack' }>;

interface Text {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}
export type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text?: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] }
  | { type: 'actions'; elements: { type: 'button'; text: Text; url: string; action_id: string; style?: 'primary' }[] };

export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be. */
  text: string;
  blocks: SlackBlock[];
}

const marker: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
/** mrkdwn treats &, < and > as control characters; Slack documents escaping exactly these. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const md = (s: string, max = 3000): Text => ({ type: 'mrkdwn', text: cut(s, max) });

export function slackMessage(delivery: Delivery, publicUrl?: string): SlackMessage {
  const v = viewOf(delivery.alert, publicUrl);
  const tag = v.severity ? `[${v.severity.toUpperCase()}] ` : '';
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${tag}${v.title}`, 150), emoji: true } },
    { type: 'section', text: md(`*${v.summaryLabel}*\n${esc(v.summary)}`) },
    {
      type: 'section',
      fields: v.facts.slice(0, 10).map((f) => {
        const value = f.label === 'Severity' && v.severity ? `${marker[v.severity]} ${esc(f.value)}` : esc(f.value);
        return md(`*${f.label}*\n${value}`, 2000);
      }),
    },
  ];
  if (v.details) blocks.push({ type: 'section', text: md(esc(v.details)) });
  if (v.items?.length) {
    blocks.push({ type: 'section', text: md(v.items.map((i) => `• ${esc(i)}`).join('\n')) });
  }
  if (v.link) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: cut(v.link.label, 75) },
          url: v.link.url,
          action_id: 'vigil_view',
          style: 'primary',
        },
      ],
    });
  }
  blocks.push({ type: 'context', elements: [md(`Vigil · ${delivery.alert.kind} · ${delivery.id}`)] });
  return { text: cut(`${tag}${v.title}`, 3000), blocks };
}

export function createSlackChannel(cfg: SlackChannelConfig, options: { publicUrl?: string | undefined } = {}): Channel {
  const where = channelWhere(cfg.name);
  return {
    name: cfg.name,
    type: 'slack',
    timeoutMs: cfg.timeoutMs,
    async send(delivery: Delivery) {
      await postJson({
        url: cfg.url,
        body: JSON.stringify(slackMessage(delivery, options.publicUrl)),
        headers: {},
        timeoutMs: cfg.timeoutMs,
        label: `slack channel "${cfg.name}"`,
        where,
      });
    },
  };
}
