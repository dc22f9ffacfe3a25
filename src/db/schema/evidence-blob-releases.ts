import { pgTable, text } from 'drizzle-orm/pg-core';
import { utc } from './_helpers.ts';

/** Blobs no live record used at `releasedAt`; deleted after a grace period if still unused. */
export const evidenceBlobReleases = pgTable('evidence_blob_releases', {
  sha256: text('sha256').primaryKey(),
  releasedAt: utc('released_at').notNull(),
});
