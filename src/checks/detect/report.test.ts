import { describe, expect, it } from 'vitest';
import { detectionDocStale } from '../../../scripts/detection-report.ts';
import { allCases, detectionsOf } from './labelled-sets.ts';
import { notes } from './notes.ts';
import { confusion, judge, missingNotes, noteKey } from './score.ts';

describe('the detection report', () => {
  it('is current: docs/detection.md is what the script writes', () => {
    expect(detectionDocStale(), 'run node bin/run-ts.js scripts/detection-report.ts').toBe(false);
  });

  it('explains every false positive, false negative and alert on an unlabelled case, and keeps no stale explanation', () => {
    const judged = judge(allCases(), detectionsOf);
    expect(missingNotes(judged, notes)).toEqual([]);
    const errors = new Set(judged.filter((j) => j.outcome !== 'TP' && j.outcome !== 'TN').map(noteKey));
    expect(Object.keys(notes).filter((k) => !errors.has(k))).toEqual([]);
  });

  it('labels the cases the brief names: every Stratus detonation for the AWS detections, and positives for each detection', () => {
    const cases = allCases();
    const stratus = cases.filter((c) => c.set === 'stratus-red-team');
    expect(stratus).toHaveLength(35);
    for (const c of stratus) expect(Object.keys(c.labels).sort()).toEqual(['admin-granted', 'logging-stopped', 'mfa-removed']);
    const judged = judge(cases, detectionsOf);
    for (const d of ['logging-stopped', 'mfa-removed', 'admin-granted', 'branch-protection-removed'] as const) {
      const c = confusion(judged.filter((j) => j.detection === d));
      expect(c.tp + c.fn, d).toBeGreaterThan(0);
    }
  });
});
