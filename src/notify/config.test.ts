import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../core/config/load.ts';
import { VigilError } from '../lib/errors.ts';

function errorOf(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const yaml = `
server:
  publicUrl: https://vigil.example.com
alerts:
  channels:
    - name: sec-hook
      type: webhook
      url: https://hooks.example.com/vigil
      secret: \${HOOK_SECRET}
    - name: sec-slack
      type: slack
      url: \${SLACK_WEBHOOK_URL}
    - name: owners
      type: email
      from: Vigil <vigil@example.com>
      toOwner: true
      smtp:
        host: smtp.example.com
        port: 465
        secure: true
        user: vigil
        password: \${SMTP_PASSWORD}
  rules:
    - { channel: sec-hook, kinds: [finding.opened, source.failing] }
    - { channel: sec-slack, kinds: [finding.opened, finding.sla_breached], minSeverity: high }
    - { channel: owners, kinds: [finding.sla_at_risk], owners: [dana@example.com] }
  slaAtRisk: 0.8
  digest: { schedule: weekly, channel: owners }
`;
const env = { HOOK_SECRET: 'hook-secret-0123456789', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x', SMTP_PASSWORD: 'pw' };

describe('the alerts section of vigil.yaml', () => {
  it('reads channels, rules, threshold and digest, with secrets from the environment and defaults filled in', () => {
    const { alerts } = parseConfigText(yaml, 'vigil.yaml', env);
    expect(alerts.channels.map((c) => [c.name, c.type, c.timeoutMs])).toEqual([
      ['sec-hook', 'webhook', 10_000],
      ['sec-slack', 'slack', 10_000],
      ['owners', 'email', 10_000],
    ]);
    expect(alerts.channels[0]).toMatchObject({ secret: 'hook-secret-0123456789' });
    expect(alerts.channels[2]).toMatchObject({ to: [], toOwner: true, smtp: { host: 'smtp.example.com', port: 465, secure: true, password: 'pw' } });
    expect(alerts.rules[1]).toEqual({ channel: 'sec-slack', kinds: ['finding.opened', 'finding.sla_breached'], minSeverity: 'high' });
    expect(alerts.slaAtRisk).toBe(0.8);
    expect(alerts.digest).toEqual({ schedule: 'weekly', channel: 'owners' });
  });

  it('defaults to no channels, no rules, at-risk at three quarters and no digest', () => {
    expect(parseConfigText('workspace: { slug: acme }\n', 'vigil.yaml', {}).alerts).toEqual({ channels: [], rules: [], slaAtRisk: 0.75 });
  });

  it('names the line of a rule that points at a channel that does not exist', () => {
    const e = errorOf(() => parseConfigText(yaml.replace('channel: sec-slack, kinds', 'channel: sec-slak, kinds'), 'vigil.yaml', env));
    expect(e.oneLine()).toBe('vigil.yaml:25:9: alerts.rules[1].channel: no channel named "sec-slak" (channels: "sec-hook", "sec-slack", "owners")');
  });

  it('refuses an unknown alert kind, a duplicate channel, a short secret and an email channel with no recipients', () => {
    expect(errorOf(() => parseConfigText(yaml.replace('[finding.sla_at_risk]', '[finding.late]'), 'vigil.yaml', env)).message).toMatch(
      /^alerts\.rules\[2\]\.kinds\[0\]: Invalid option/,
    );
    expect(errorOf(() => parseConfigText(yaml.replace('name: owners', 'name: sec-hook'), 'vigil.yaml', env)).message).toMatch(
      /alerts\.(channels\[2\]\.name: duplicate channel name "sec-hook"|rules)/,
    );
    expect(errorOf(() => parseConfigText(yaml, 'vigil.yaml', { ...env, HOOK_SECRET: 'short' })).message).toBe(
      'alerts.channels[0].secret: at least 16 characters',
    );
    expect(errorOf(() => parseConfigText(yaml.replace('toOwner: true', 'toOwner: false'), 'vigil.yaml', env)).message).toBe(
      'alerts.channels[2].to: an email channel needs recipients in "to", or toOwner: true',
    );
  });

  it('names the unset environment variable a channel secret needs', () => {
    const e = errorOf(() => parseConfigText(yaml, 'vigil.yaml', { ...env, HOOK_SECRET: undefined }));
    expect(e.oneLine()).toBe('vigil.yaml:9:7: alerts.channels[0].secret: environment variable HOOK_SECRET is not set (expected it to hold this value)');
  });
});
