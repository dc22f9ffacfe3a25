import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.ts';

describe('vigil frameworks', () => {
  it('prints every framework with its requirement count as JSON, and 320 objectives for NIST SP 800-171', async () => {
    const r = await runCli(['frameworks', '--json']);
    expect([r.code, r.err]).toEqual([0, '']);
    const rows = JSON.parse(r.out) as { id: string; requirements: number; objectives?: number }[];
    expect(rows.map((f) => [f.id, f.requirements])).toEqual([
      ['soc2', 61],
      ['iso27001', 93],
      ['nist-800-171', 110],
      ['cmmc-l2', 110],
    ]);
    expect(rows.find((f) => f.id === 'nist-800-171')!.objectives).toBe(320);
    expect(rows.find((f) => f.id === 'soc2')!.objectives).toBeUndefined();
  });

  it('prints a table for people and explains itself with --help', async () => {
    const r = await runCli(['frameworks']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^ID\s+REQUIREMENTS\s+OBJECTIVES\s+NAME$/);
    expect(r.out).toMatch(/^nist-800-171\s+110\s+320\s+NIST SP 800-171 rev 2$/m);
    const help = await runCli(['frameworks', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('list the frameworks');
  });
});
