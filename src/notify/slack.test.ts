import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VigilError } from '../lib/errors.ts';
import { parseAlert, type AlertInput } from './alerts.ts';
import { isRetryable, type Delivery } from './channel.ts';
import { createSlackChannel, slackMessage } from './slack.ts';
import { sampleFinding, startReceiver, type Receiver } from './testing.ts';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

// Block Kit's documented shape and limits for the blocks we use (api.slack.com/reference/block-kit).
const plain = (max: number) => z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() }).strict();
const mrkdwn = (max: number) => z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max) }).strict();
const blockKit = z
  .object({
    text: z.string().min(1),
    blocks: z
      .array(
        z.discriminatedUnion('type', [
          z.object({ type: z.literal('header'), text: plain(150) }).strict(),
          z
            .object({ type: z.literal('section'), text: mrkdwn(3000).optional(), fields: z.array(mrkdwn(2000)).min(1).max(10).optional() })
            .strict()
            .refine((s) => s.text || s.fields, 'a section needs text or fields'),
          z.object({ type: z.literal('context'), elements: z.array(mrkdwn(3000)).min(1).max(10) }).strict(),
          z
            .object({
              type: z.literal('actions'),
              elements: z
                .array(
                  z
                    .object({
                      type: z.literal('button'),
                      text: plain(75),
                      url: z.url().max(3000),
                      action_id: z.string().min(1).max(255),
                      style: z.enum(['primary', 'danger']).optional(),
                    })
                    .strict(),
                )
                .min(1)
                .max(25),
            })
            .strict(),
        ]),
      )
      .min(1)
      .max(50),
  })
  .strict();

const delivery = (alert: AlertInput): Delivery => ({
  id: 'dlv_01slacktest',
  workspaceId: 'ws_1',
  channel: 'sec-slack',
  alert: parseAlert(alert),
  raisedAt: new Date('2026-12-01T09:00:05Z'),
  attempt: 1,
});

const TOKEN_PATH = '/services/T000/B000/XXXXsecretXXXX';

describe('slack channel', () => {
  it('posts a valid Block Kit message with severity, what failed, resource, owner, due date and a View in Vigil button', async () => {
    receiver = await startReceiver();
    const ch = createSlackChannel({ name: 'sec-slack', type: 'slack', url: receiver.url, timeoutMs: 5000 }, { publicUrl: 'https://vigil.example.com' });
    await ch.send(delivery({ kind: 'finding.opened', payload: sampleFinding() }));
    const msg = blockKit.parse(JSON.parse(receiver.requests[0]!.body));
    const [header, what, facts] = msg.blocks;
    expect(header).toEqual({ type: 'header', text: { type: 'plain_text', text: '[HIGH] New finding: MFA is not enabled for dana@example.com', emoji: true } });
    expect(what).toMatchObject({ type: 'section', text: { text: expect.stringContaining('*What failed*\ndana@example.com has no MFA factor') } });
    const fieldTexts = (facts as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fieldTexts).toEqual(
      expect.arrayContaining([
        '*Severity*\n:large_orange_circle: high',
        '*Resource*\nokta:user/dana@example.com',
        '*Owner*\nit-lead@example.com',
        '*Due*\n2026-12-31 09:00 UTC',
      ]),
    );
    const actions = msg.blocks.find((b) => b.type === 'actions') as { elements: { url: string; text: { text: string } }[] };
    expect(actions.elements[0]).toMatchObject({ url: 'https://vigil.example.com/findings/fnd_01test', text: { text: 'View in Vigil' } });
    expect(msg.text).toBe('[HIGH] New finding: MFA is not enabled for dana@example.com');
  });

  it('renders every alert kind as valid Block Kit', () => {
    const f = sampleFinding();
    const alerts: AlertInput[] = [
      { kind: 'finding.opened', payload: f },
      { kind: 'finding.sla_at_risk', payload: { ...f, elapsedShare: 0.8 } },
      { kind: 'finding.sla_breached', payload: f },
      { kind: 'finding.reopened', payload: { ...f, reopenedAt: '2026-12-05T00:00:00.000Z', reopenedCount: 2 } },
      { kind: 'mute.expiring', payload: { ...f, mute: { reason: 'vendor fix due', approver: 'ciso@example.com', expiresAt: '2026-12-10T00:00:00.000Z' } } },
      { kind: 'source.failing', payload: { source: 'okta', type: 'okta', error: 'AuthFailed: 401 Invalid token', failingSince: '2026-12-01T08:00:00.000Z', lastSuccessAt: null } },
      { kind: 'source.recovered', payload: { source: 'okta', type: 'okta', failingSince: '2026-12-01T08:00:00.000Z', recoveredAt: '2026-12-01T09:00:00.000Z' } },
      {
        kind: 'digest',
        payload: {
          owner: 'it-lead@example.com',
          schedule: 'weekly',
          periodStart: '2026-11-23T00:00:00.000Z',
          periodEnd: '2026-11-30T00:00:00.000Z',
          totals: { open: 3, overdue: 1, openedInPeriod: 2, resolvedInPeriod: 4 },
          findings: [{ findingId: 'fnd_1', title: 'Backup failed', severity: 'medium', resource: 'aws:backup/db', status: 'open', dueAt: '2026-12-20T00:00:00.000Z' }],
        },
      },
    ];
    for (const a of alerts) {
      const msg = slackMessage(delivery(a), 'https://vigil.example.com');
      expect(() => blockKit.parse(msg), a.kind).not.toThrow();
    }
    const source = slackMessage(delivery(alerts[5]!), 'https://vigil.example.com');
    expect(JSON.stringify(source)).toContain('https://vigil.example.com/sources/okta');
    const digest = slackMessage(delivery(alerts[7]!), 'https://vigil.example.com');
    expect(JSON.stringify(digest)).toContain('Backup failed');
    expect(JSON.stringify(digest)).toContain('findings?status=open&owner=it-lead%40example.com');
  });

  it('escapes mrkdwn control characters and cuts text to Block Kit limits', () => {
    const msg = slackMessage(
      delivery({ kind: 'finding.opened', payload: sampleFinding({ title: 'x'.repeat(400), reason: 'a <b> & c' + 'y'.repeat(5000) }) }),
    );
    expect(() => blockKit.parse(msg)).not.toThrow();
    const header = msg.blocks[0]!;
    expect(header.type === 'header' && header.text.text.length).toBe(150);
    expect(JSON.stringify(msg.blocks[1])).toContain('a &lt;b&gt; &amp; c');
  });

  it('leaves the button out when server.publicUrl is not set (a link nowhere is worse than none)', () => {
    const msg = slackMessage(delivery({ kind: 'finding.opened', payload: sampleFinding() }));
    expect(() => blockKit.parse(msg)).not.toThrow();
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it("reports Slack's refusal without the webhook URL's secret path", async () => {
    receiver = await startReceiver(() => ({ status: 404, body: 'no_service' }));
    const ch = createSlackChannel({ name: 'sec-slack', type: 'slack', url: `${receiver.url}${TOKEN_PATH}`, timeoutMs: 5000 });
    let err: unknown;
    try {
      await ch.send(delivery({ kind: 'finding.opened', payload: sampleFinding() }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VigilError);
    const e = err as VigilError;
    expect(isRetryable(e)).toBe(false);
    expect(e.message).toContain('no_service');
    expect(JSON.stringify(e.toJSON())).not.toContain('XXXXsecretXXXX');
    expect(receiver.requests[0]!.path).toBe(`/hook${TOKEN_PATH}`);
  });
});
