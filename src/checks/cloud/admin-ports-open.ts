/**
 * cloud.admin-ports-open — no security group lets the whole internet (0.0.0.0/0 or ::/0) reach an
 * administrative or database port. A rule for all protocols, or a TCP/UDP port range that
 * includes one of the ports, counts. Results: one per security group.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { AWS_SECURITY_GROUPS, readAws, securityGroupRow } from './aws-rows.ts';

const portNames: Record<number, string> = {
  21: 'FTP',
  22: 'SSH',
  23: 'Telnet',
  445: 'SMB',
  1433: 'SQL Server',
  1521: 'Oracle',
  2375: 'Docker',
  3306: 'MySQL',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5900: 'VNC',
  6379: 'Redis',
  9200: 'Elasticsearch',
  11211: 'Memcached',
  27017: 'MongoDB',
};

const WORLD = new Set(['0.0.0.0/0', '::/0']);
// 6 and 17 are TCP and UDP by number, which AWS accepts in place of the name.
const portProtocols = new Set(['tcp', 'udp', '6', '17']);

export const adminPortsOpen = defineCheck({
  id: 'cloud.admin-ports-open',
  title: 'Administrative ports not open to the internet',
  description: 'No security group allows inbound traffic from 0.0.0.0/0 or ::/0 to an administrative or database port (SSH, RDP, database ports, …).',
  area: 'cloud',
  controls: ['NET-01'],
  severity: 'high',
  inputs: { resources: [AWS_SECURITY_GROUPS] },
  // Each row on its own: an incremental run re-judges only the rows that changed.
  scope: 'resource',
  params: z.object({
    ports: z
      .array(z.number().int().min(0).max(65535))
      .default(Object.keys(portNames).map(Number))
      .describe('Ports that must never be open to the whole internet (default: SSH, RDP, Telnet, FTP, SMB, VNC, Docker and common database ports).'),
  }),
  async evaluate({ inputs, params }) {
    const results: CheckResult[] = [];
    for (const g of await readAws(inputs, AWS_SECURITY_GROUPS, securityGroupRow)) {
      const open: { port: number; source: string; rule: string }[] = [];
      for (const r of g.inbound) {
        if (!WORLD.has(r.source)) continue;
        const all = r.protocol === '-1' || r.fromPort === null || r.toPort === null;
        if (!all && !portProtocols.has(r.protocol)) continue;
        for (const port of params.ports) {
          if (all || (r.fromPort! <= port && port <= r.toPort!)) {
            open.push({ port, source: r.source, rule: all ? 'all traffic' : `${r.protocol} ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}` });
          }
        }
      }
      const base = { resource: g.resource, source: g.source, evidence: g.evidence, details: { groupName: g.groupName, region: g.region, vpcId: g.vpcId, open } };
      if (!open.length) {
        results.push({ ...base, status: 'pass', reason: `Security group ${g.groupName} (${g.groupId}) opens no administrative port to the internet` });
        continue;
      }
      const described = [...new Set(open.map((o) => `port ${o.port}${portNames[o.port] ? ` (${portNames[o.port]})` : ''} from ${o.source}`))];
      results.push({
        ...base,
        status: 'fail',
        reason: `Security group ${g.groupName} (${g.groupId}, ${g.region}) allows ${described.join(', ')}`,
        remediation: `Remove the inbound rule${open.length > 1 ? 's' : ''} open to the world from ${g.groupId} and allow only known ranges (the VPN, a bastion's security group), or use SSM Session Manager / EC2 Instance Connect Endpoint instead of open admin ports.`,
      });
    }
    return results;
  },
});
