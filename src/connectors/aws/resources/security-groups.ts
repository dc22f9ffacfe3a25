/**
 * EC2 security groups with their inbound and outbound rules, per region (DescribeSecurityGroups,
 * NextToken). Rules are flattened to one entry per source (CIDR, IPv6 CIDR, group, prefix list),
 * so "port 22 open to 0.0.0.0/0" is a plain filter.
 */
import { z } from 'zod';
import { DescribeSecurityGroupsCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { pages } from '../paginate.ts';
import { awsSession } from '../session.ts';

export const ruleSchema = z.object({
  protocol: z.string().describe('tcp, udp, icmp, icmpv6, a protocol number, or -1 for all.'),
  fromPort: z.number().int().nullable().describe('First port of the range (ICMP type for icmp); null when the rule covers all ports.'),
  toPort: z.number().int().nullable().describe('Last port of the range (ICMP code for icmp); null when the rule covers all ports.'),
  source: z.string().describe('Where traffic may come from (inbound) or go to (outbound): a CIDR, an IPv6 CIDR, sg-… or pl-….'),
  sourceKind: z.enum(['cidr-ipv4', 'cidr-ipv6', 'security-group', 'prefix-list']).describe('What kind of source `source` is.'),
  description: z.string().nullable().describe("The rule's description, if any."),
});

export const securityGroupSchema = z.object({
  groupId: z.string().describe('Security group id (sg-…).'),
  groupName: z.string().describe('Security group name.'),
  region: z.string().describe('Region of the security group.'),
  vpcId: z.string().nullable().describe('VPC the group belongs to; null for EC2-Classic.'),
  ownerId: z.string().describe('Account that owns the group.'),
  description: z.string().describe("The group's description."),
  inbound: z.array(ruleSchema).describe('Inbound rules, one per source.'),
  outbound: z.array(ruleSchema).describe('Outbound rules, one per destination.'),
  tags: z.record(z.string(), z.string()).describe('Tags by key.'),
});

type Rule = z.output<typeof ruleSchema>;

export function flattenRules(perms: IpPermission[] | undefined): Rule[] {
  const rules: Rule[] = [];
  for (const p of perms ?? []) {
    const all = p.IpProtocol === '-1';
    const base = { protocol: p.IpProtocol ?? '-1', fromPort: all ? null : (p.FromPort ?? null), toPort: all ? null : (p.ToPort ?? null) };
    for (const r of p.IpRanges ?? []) rules.push({ ...base, source: r.CidrIp ?? '', sourceKind: 'cidr-ipv4', description: r.Description ?? null });
    for (const r of p.Ipv6Ranges ?? []) rules.push({ ...base, source: r.CidrIpv6 ?? '', sourceKind: 'cidr-ipv6', description: r.Description ?? null });
    for (const g of p.UserIdGroupPairs ?? []) rules.push({ ...base, source: g.GroupId ?? '', sourceKind: 'security-group', description: g.Description ?? null });
    for (const l of p.PrefixListIds ?? []) rules.push({ ...base, source: l.PrefixListId ?? '', sourceKind: 'prefix-list', description: l.Description ?? null });
  }
  return rules;
}

export const securityGroups = defineResource({
  name: 'security-groups',
  description: 'Every EC2 security group in the collected regions, with its rules.',
  schema: securityGroupSchema,
  primaryKey: 'groupId',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    for (const region of aws.regions) {
      const what = `EC2 DescribeSecurityGroups in ${region}`;
      const fetch = (token: string | undefined) =>
        aws.call('ec2', 'DescribeSecurityGroups', region, (o) => aws.ec2(region).send(new DescribeSecurityGroupsCommand({ MaxResults: 1000, ...(token ? { NextToken: token } : {}) }), o));
      for await (const page of pages(what, aws.where, fetch, (p) => p.NextToken)) {
        yield (page.SecurityGroups ?? []).map((g) => ({
          groupId: g.GroupId ?? '',
          groupName: g.GroupName ?? '',
          region,
          vpcId: g.VpcId ?? null,
          ownerId: g.OwnerId ?? '',
          description: g.Description ?? '',
          inbound: flattenRules(g.IpPermissions),
          outbound: flattenRules(g.IpPermissionsEgress),
          tags: Object.fromEntries((g.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        }));
      }
    }
  },
});
