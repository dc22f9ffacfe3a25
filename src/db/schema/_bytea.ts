import { customType } from 'drizzle-orm/pg-core';

/** bytea as a Node Buffer (PGlite returns Uint8Array, node-postgres Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength),
  toDriver: (v) => v,
});
