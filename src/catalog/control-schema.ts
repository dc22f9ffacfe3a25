/**
 * The one schema for a control written in YAML — the built-in library (./data/controls) and
 * controls as code (`controls.paths` in vigil.yaml) alike. In a file, links are grouped per
 * framework and strength; in memory a control carries a flat list of `{ framework, id, strength }`.
 */
import { z } from 'zod';
import { controlFrequencies, type ControlFrequency } from '../db/schema/controls.ts';
import { linkStrengths, type LinkStrength } from '../db/schema/control-requirements.ts';
import { linkableFrameworks, type LinkableFramework } from './types.ts';

export { controlFrequencies, linkStrengths, type ControlFrequency, type LinkStrength };

/** The areas a control belongs to; each has an id prefix for library controls. */
export const controlAreas = {
  access: { prefix: 'ACC', title: 'Access' },
  change: { prefix: 'CHG', title: 'Change management' },
  logging: { prefix: 'LOG', title: 'Logging and evidence' },
  vulnerability: { prefix: 'VUL', title: 'Vulnerability management' },
  incident: { prefix: 'INC', title: 'Incident response' },
  availability: { prefix: 'AVL', title: 'Availability' },
  backup: { prefix: 'BCK', title: 'Backups and recovery' },
  vendor: { prefix: 'VND', title: 'Vendor risk' },
  governance: { prefix: 'GOV', title: 'Governance, people and risk' },
  data: { prefix: 'DAT', title: 'Data protection and encryption' },
  network: { prefix: 'NET', title: 'Network security' },
} as const;
export type ControlArea = keyof typeof controlAreas;
export const controlAreaIds = Object.keys(controlAreas) as ControlArea[];

export interface ControlLink {
  framework: LinkableFramework;
  id: string;
  strength: LinkStrength;
}

export interface ControlDefinition {
  id: string;
  title: string;
  description: string;
  area: ControlArea;
  ownerRole: string;
  owner?: string | undefined;
  frequency: ControlFrequency;
  requirements: ControlLink[];
  /** Why a control has no link to a framework, where no sensible link exists. */
  unmapped: Partial<Record<LinkableFramework, string>>;
}

export const CONTROL_ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

const idList = z.array(z.string().min(1)).describe('Requirement ids of this framework.');
const frameworkLinks = z
  .object({
    direct: idList.optional().describe('Requirements this control is direct evidence for.'),
    supporting: idList.optional().describe('Requirements this control supports but does not satisfy alone.'),
  })
  .strict();

export const requirementsSchema = z
  .object(Object.fromEntries(linkableFrameworks.map((f) => [f, frameworkLinks.optional()])) as Record<LinkableFramework, z.ZodOptional<typeof frameworkLinks>>)
  .strict()
  .describe('Links to framework requirements, per framework: { direct: [ids], supporting: [ids] }.');

const unmappedSchema = z
  .object(Object.fromEntries(linkableFrameworks.map((f) => [f, z.string().min(3).optional()])) as Record<LinkableFramework, z.ZodOptional<z.ZodString>>)
  .strict()
  .describe('Per framework, why the control has no link to it.');

/** A control in a YAML file; for an override of a library control only `id` is required. */
export const controlFields = {
  id: z.string().regex(CONTROL_ID, 'an id of upper-case letters and digits joined by -, e.g. ACC-01 or ACME-7'),
  title: z.string().min(3).describe('Short statement of what the control achieves.'),
  description: z.string().min(10).describe('What is done, by whom, and what evidence shows it.'),
  area: z.enum(controlAreaIds).describe('The area the control belongs to.'),
  ownerRole: z.string().min(2).describe('The role accountable for the control (e.g. Security lead).'),
  owner: z.string().min(1).optional().describe('A named person or email beside the role.'),
  frequency: z.enum(controlFrequencies).describe('How often the control operates.'),
  requirements: requirementsSchema.optional(),
  unmapped: unmappedSchema.optional(),
};

export const newControlSchema = z.object(controlFields).strict();
export const controlOverrideSchema = z.object(controlFields).partial().required({ id: true }).strict();
export type ControlInput = z.infer<typeof controlOverrideSchema>;

/** A file of controls: `controls:` and a list. */
export const controlFileSchema = z
  .object({ controls: z.array(z.looseObject({ id: z.unknown().optional() })).describe('The controls in this file.') })
  .strict();

/** Flatten the per-framework groups of a file into links, direct before supporting. */
export function linksOf(requirements: ControlInput['requirements']): ControlLink[] {
  const out: ControlLink[] = [];
  for (const framework of linkableFrameworks) {
    const group = requirements?.[framework];
    for (const strength of linkStrengths) for (const id of group?.[strength] ?? []) out.push({ framework, id, strength });
  }
  return out;
}
