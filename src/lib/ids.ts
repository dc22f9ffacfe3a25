import { randomFillSync } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

// Randomness drawn from the CSPRNG 4 KiB at a time: one call per id cost more than the rest of an
// evidence record's preparation (bench/NOTES.md). Each byte is used once.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/**
 * A prefixed, time-sortable id: `fnd_01j…`. 10 characters of milliseconds then 16 of randomness,
 * so ids sort by creation time and never collide across processes.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (poolAt + 16 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let rand = '';
  for (let i = poolAt; i < poolAt + 16; i++) rand += alphabet[pool[i]! % 32];
  poolAt += 16;
  return `${prefix}_${time}${rand}`;
}
