import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { adminPortsOpen } from './admin-ports-open.ts';
import { createAwsCheckStore } from './aws-store.testing.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const rule = (protocol: string, from: number | null, to: number | null, source: string, sourceKind = source.includes(':') ? 'cidr-ipv6' : 'cidr-ipv4') => ({
  protocol,
  fromPort: from,
  toPort: to,
  source,
  sourceKind,
  description: null,
});

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('cloud.admin-ports-open', () => {
  it('fails SSH from 0.0.0.0/0, RDP from ::/0, a range over 3306 and all-traffic from the world; passes web ports and private sources', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('security-groups', { groupId: 'sg-ssh', groupName: 'bastion', inbound: [rule('tcp', 22, 22, '0.0.0.0/0')] });
    await store.put('security-groups', { groupId: 'sg-rdp', groupName: 'windows', inbound: [rule('tcp', 3389, 3389, '::/0')] });
    await store.put('security-groups', { groupId: 'sg-range', groupName: 'legacy', inbound: [rule('6', 3000, 3400, '0.0.0.0/0')] });
    await store.put('security-groups', { groupId: 'sg-all', groupName: 'wide-open', inbound: [rule('-1', null, null, '0.0.0.0/0')] });
    await store.put('security-groups', {
      groupId: 'sg-web',
      groupName: 'web',
      inbound: [rule('tcp', 443, 443, '0.0.0.0/0'), rule('tcp', 22, 22, '10.0.0.0/8'), rule('tcp', 5432, 5432, 'sg-app', 'security-group'), rule('icmp', 8, -1, '0.0.0.0/0')],
    });
    const results = await store.evaluate(adminPortsOpen, NOW);
    expect(results.map((r) => [r.resource, r.status])).toEqual([
      ['aws.security-groups/sg-all', 'fail'],
      ['aws.security-groups/sg-range', 'fail'],
      ['aws.security-groups/sg-rdp', 'fail'],
      ['aws.security-groups/sg-ssh', 'fail'],
      ['aws.security-groups/sg-web', 'pass'],
    ]);
    expect(results[3]!.reason).toBe('Security group bastion (sg-ssh, us-east-1) allows port 22 (SSH) from 0.0.0.0/0');
    expect(results[2]!.reason).toBe('Security group windows (sg-rdp, us-east-1) allows port 3389 (RDP) from ::/0');
    expect(results[1]!.reason).toBe('Security group legacy (sg-range, us-east-1) allows port 3306 (MySQL) from 0.0.0.0/0, port 3389 (RDP) from 0.0.0.0/0');
    expect(results[0]!.reason).toContain('port 22 (SSH) from 0.0.0.0/0');
    expect(results[4]!.reason).toBe('Security group web (sg-web) opens no administrative port to the internet');
    const ssh = results[3]!;
    expect(ssh.status === 'fail' && ssh.remediation).toContain('Remove the inbound rule open to the world from sg-ssh');
  });

  it('judges only the ports given as a parameter; a range ending just below a port does not count', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('security-groups', { groupId: 'sg-edge', groupName: 'edge', inbound: [rule('tcp', 8000, 8442, '0.0.0.0/0'), rule('tcp', 22, 22, '0.0.0.0/0')] });
    expect((await store.evaluate(adminPortsOpen, NOW, { ports: [8443] }))[0]!.status).toBe('pass');
    expect((await store.evaluate(adminPortsOpen, NOW, { ports: [8442] }))[0]!.status).toBe('fail');
  });
});
