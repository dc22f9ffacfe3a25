/**
 * cloud.s3-encryption-public-access — every S3 bucket has default encryption and its own public
 * access block with all four settings on. A setting Vigil could not read fails (no evidence is
 * never green) with a reason that names the missing permission. Buckets approved to serve public
 * content can be listed in a parameter: for them the public access block is not required.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { AWS_BUCKETS, bucketRow, readAws } from './aws-rows.ts';

const blockSettings = ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'] as const;
const settingNames: Record<(typeof blockSettings)[number], string> = {
  blockPublicAcls: 'BlockPublicAcls',
  ignorePublicAcls: 'IgnorePublicAcls',
  blockPublicPolicy: 'BlockPublicPolicy',
  restrictPublicBuckets: 'RestrictPublicBuckets',
};

export const s3EncryptionPublicAccess = defineCheck({
  id: 'cloud.s3-encryption-public-access',
  title: 'Storage buckets encrypted and blocked from public access',
  description: "Every S3 bucket has default encryption, and a public access block with all four settings on (unless it is an approved public bucket).",
  area: 'cloud',
  controls: ['DAT-01', 'DAT-02'],
  severity: 'high',
  inputs: { resources: [AWS_BUCKETS] },
  // Each row on its own: an incremental run re-judges only the rows that changed.
  scope: 'resource',
  params: z.object({
    approvedPublicBuckets: z
      .array(z.string())
      .default([])
      .describe('Buckets approved to serve public content (a website, public downloads): they need encryption but not a public access block.'),
  }),
  async evaluate({ inputs, params }) {
    const results: CheckResult[] = [];
    for (const b of await readAws(inputs, AWS_BUCKETS, bucketRow)) {
      const problems: string[] = [];
      const fixes: string[] = [];
      if (b.encryption === 'not-configured') {
        problems.push('no default encryption');
        fixes.push(`set default encryption (aws s3api put-bucket-encryption --bucket ${b.name}, SSE-S3 or SSE-KMS)`);
      } else if (b.encryption === 'unknown') {
        problems.push('its encryption setting could not be read');
        fixes.push("grant Vigil's role s3:GetEncryptionConfiguration on the bucket");
      }
      const approved = params.approvedPublicBuckets.includes(b.name);
      if (!approved) {
        if (b.publicAccessBlock === 'not-configured') {
          problems.push('no public access block');
          fixes.push(`turn on all four public access block settings (aws s3api put-public-access-block --bucket ${b.name})`);
        } else if (b.publicAccessBlock === 'unknown') {
          problems.push('its public access block could not be read');
          fixes.push("grant Vigil's role s3:GetBucketPublicAccessBlock on the bucket");
        } else {
          const off = blockSettings.filter((s) => b[s] !== true).map((s) => settingNames[s]);
          if (off.length) {
            problems.push(`the public access block leaves ${off.join(', ')} off`);
            fixes.push(`turn on ${off.join(', ')} in the bucket's public access block`);
          }
        }
      }
      const base = { resource: b.resource, source: b.source, evidence: b.evidence, details: { encryption: b.encryption, algorithm: b.encryptionAlgorithm, publicAccessBlock: b.publicAccessBlock, approvedPublic: approved } };
      results.push(
        problems.length
          ? {
              ...base,
              status: 'fail',
              reason: `S3 bucket ${b.name}: ${problems.join('; ')}`,
              remediation: `${fixes.join('; ')}${approved ? '' : '; if the bucket must be public, list it in approvedPublicBuckets with the approval on record'}.`,
            }
          : {
              ...base,
              status: 'pass',
              reason: `S3 bucket ${b.name} is encrypted by default (${b.encryptionAlgorithm ?? 'enabled'}) and ${approved ? 'is an approved public bucket' : 'blocks public access'}`,
            },
      );
    }
    return results;
  },
});
