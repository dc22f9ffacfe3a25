/**
 * The shapes of the reference data: frameworks, their requirements, and requirement references.
 * Frameworks are lists; they know nothing about controls (controls link to requirements).
 */

export const frameworkIds = ['soc2', 'iso27001', 'nist-800-171', 'cmmc-l2'] as const;
export type FrameworkId = (typeof frameworkIds)[number];

/** The frameworks a control links to directly; cmmc-l2 shares nist-800-171's requirements. */
export const linkableFrameworks = ['soc2', 'iso27001', 'nist-800-171'] as const;
export type LinkableFramework = (typeof linkableFrameworks)[number];

export interface Objective {
  /** e.g. `3.1.1[a]` */
  id: string;
  text: string;
}

/** How a CMMC requirement scores (DoD Assessment Methodology; 32 CFR 170.21 and 170.24). */
export interface PartialCredit {
  /** Points subtracted instead of the full weight when only partly met. */
  deduction: number;
  /** When partial credit applies. */
  when: string;
  /** Whether the requirement may sit on a POA&M in that partial state. */
  poamEligible: boolean;
}

export interface Requirement {
  framework: FrameworkId;
  /** The framework's own identifier: `CC6.2`, `A.5.18`, `3.1.1`. */
  id: string;
  title: string;
  /** Criteria group (soc2 `CC6`), theme (iso27001 `A.5`) or family (nist-800-171 `3.1`). */
  group: string;
  groupTitle: string;
  /** soc2 only: security, availability, confidentiality, processing_integrity or privacy. */
  category?: string;
  /** nist-800-171 and cmmc-l2: the SP 800-171A assessment objectives. */
  objectives?: Objective[];
  /** cmmc-l2 only: practice id such as `AC.L2-3.1.1` (L1 for the 17 Level 1 practices). */
  practiceId?: string;
  /** cmmc-l2 only: SPRS points lost when not met (5, 3 or 1); null for 3.12.4, which is unscored. */
  weight?: number | null;
  /** cmmc-l2 only: the smaller deduction allowed for 3.5.3 and 3.13.11. */
  partialCredit?: PartialCredit;
  /** cmmc-l2 only: may it sit on a POA&M when not met (32 CFR 170.21(a)(2))? */
  poamEligible?: boolean;
}

export interface Framework {
  id: FrameworkId;
  name: string;
  version: string;
  /** What a group is called in this framework. */
  groupKind: 'criteria group' | 'theme' | 'family';
  /** Where the data came from (see src/catalog/data/SOURCES.md). */
  source: string;
  requirements: Requirement[];
}

export interface RequirementRef {
  framework: FrameworkId;
  id: string;
}

export const refKey = (r: RequirementRef): string => `${r.framework}:${r.id}`;
