/**
 * The catalog's public API: frameworks and requirements, the crosswalk, the control library,
 * controls as code, syncing controls into a workspace, and coverage. Other folders import from
 * here, not from the files behind it.
 */
export { loadCatalog, type Catalog } from './frameworks.ts';
export { readOscalCatalog, readOscalCatalogFile, type OscalCatalog, type OscalControl } from './oscal.ts';
export { loadCrosswalk, crosswalkSources, PROWLER_RULE, type CrosswalkLink, type CrosswalkSource } from './crosswalk.ts';
export { loadLibrary } from './library.ts';
export { resolveControls, type ResolvedControl } from './resolve.ts';
export { syncControls, type SyncControlsOptions, type SyncResult } from './sync.ts';
export { computeCoverage, type CoverageReport, type RequirementCoverage, type CoverageStatus } from './coverage.ts';
export { createControlService, type ControlFilter } from './service.ts';
export {
  controlAreas,
  controlAreaIds,
  controlFrequencies,
  linkStrengths,
  type ControlArea,
  type ControlDefinition,
  type ControlLink,
} from './control-schema.ts';
export {
  frameworkIds,
  linkableFrameworks,
  type Framework,
  type FrameworkId,
  type Requirement,
  type RequirementRef,
  type Objective,
} from './types.ts';
