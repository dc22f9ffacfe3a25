/**
 * cloud.rds-encryption-backups — every RDS database instance is encrypted at rest and keeps
 * automated backups for at least N days (default 7); optionally, deletion protection is on.
 * Results: one per instance.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { AWS_RDS, rdsRow, readAws } from './aws-rows.ts';

export const rdsEncryptionBackups = defineCheck({
  id: 'cloud.rds-encryption-backups',
  title: 'Databases encrypted, with automated backups',
  description: 'Every RDS instance has encrypted storage and keeps automated backups (point-in-time recovery) for at least N days.',
  area: 'cloud',
  controls: ['DAT-03', 'BCK-05'],
  severity: 'high',
  inputs: { resources: [AWS_RDS] },
  // Each row on its own: an incremental run re-judges only the rows that changed.
  scope: 'resource',
  params: z.object({
    minBackupRetentionDays: z.number().int().min(1).max(35).default(7).describe('Fewest days automated backups must be kept (RDS allows 0–35; 0 turns them off).'),
    requireDeletionProtection: z.boolean().default(false).describe('Also require deletion protection on every instance.'),
  }),
  async evaluate({ inputs, params }) {
    const results: CheckResult[] = [];
    for (const d of await readAws(inputs, AWS_RDS, rdsRow)) {
      const problems: string[] = [];
      const fixes: string[] = [];
      if (!d.storageEncrypted) {
        problems.push('storage is not encrypted');
        // RDS cannot encrypt an instance in place.
        fixes.push(`encrypt it by snapshotting ${d.identifier}, copying the snapshot with a KMS key, restoring from the encrypted copy and switching over`);
      }
      if (d.backupRetentionPeriod < params.minBackupRetentionDays) {
        problems.push(d.backupRetentionPeriod === 0 ? 'automated backups are off' : `automated backups are kept ${d.backupRetentionPeriod} day${d.backupRetentionPeriod === 1 ? '' : 's'} (at least ${params.minBackupRetentionDays} required)`);
        fixes.push(`set the backup retention to ${params.minBackupRetentionDays} days or more (aws rds modify-db-instance --db-instance-identifier ${d.identifier} --backup-retention-period ${params.minBackupRetentionDays} --apply-immediately)`);
      }
      if (params.requireDeletionProtection && !d.deletionProtection) {
        problems.push('deletion protection is off');
        fixes.push('turn on deletion protection');
      }
      const base = { resource: d.resource, source: d.source, evidence: d.evidence, details: { identifier: d.identifier, region: d.region, engine: d.engine, storageEncrypted: d.storageEncrypted, backupRetentionPeriod: d.backupRetentionPeriod, deletionProtection: d.deletionProtection } };
      results.push(
        problems.length
          ? { ...base, status: 'fail', reason: `RDS instance ${d.identifier} (${d.engine}, ${d.region}): ${problems.join('; ')}`, remediation: `${fixes.join('; ')}.` }
          : { ...base, status: 'pass', reason: `RDS instance ${d.identifier} is encrypted and keeps automated backups for ${d.backupRetentionPeriod} days` },
      );
    }
    return results;
  },
});
