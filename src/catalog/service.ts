/**
 * What the CLI and the API ask of the workspace's controls: list them (filtered by framework or
 * area) and report a framework's coverage. Reads the database, so YAML overrides show.
 */
import type { Database } from '../db/client.ts';
import { createControlRepo, type ControlRecord } from '../db/repositories/controls.ts';
import { invalidInput } from '../lib/errors.ts';
import { controlAreaIds, type ControlArea } from './control-schema.ts';
import { computeCoverage, linkFrameworkOf, type CoverageReport } from './coverage.ts';
import { loadCatalog } from './frameworks.ts';
import { compareIds, frameworkOrder } from './ids.ts';

export interface ControlFilter {
  /** Only controls linked to this framework, with only those links. */
  framework?: string | undefined;
  area?: string | undefined;
}

export function createControlService({ db, workspaceId }: { db: Pick<Database, 'orm'>; workspaceId: string }) {
  const repo = () => createControlRepo(db.orm, workspaceId);
  /** Links in the order the catalog presents frameworks (SOC 2 first), then by requirement id. */
  const inCatalogOrder = (c: ControlRecord): ControlRecord => ({
    ...c,
    requirements: c.requirements.sort((a, b) => frameworkOrder(a.framework) - frameworkOrder(b.framework) || compareIds(a.id, b.id)),
  });
  return {
    /** One control by its id (one read by key), links in catalog order; undefined if there is none. */
    async get(id: string): Promise<ControlRecord | undefined> {
      const c = await repo().get(id);
      return c && inCatalogOrder(c);
    },

    async list(filter: ControlFilter = {}): Promise<ControlRecord[]> {
      if (filter.area !== undefined && !controlAreaIds.includes(filter.area as ControlArea)) {
        throw invalidInput(`unknown area "${filter.area}"`, { where: '--area', hint: `use one of: ${controlAreaIds.join(', ')}` });
      }
      const framework = filter.framework === undefined ? undefined : loadCatalog().framework(filter.framework).id;
      const all = (await repo().list()).map(inCatalogOrder).sort((a, b) => compareIds(a.id, b.id));
      const inArea = filter.area === undefined ? all : all.filter((c) => c.area === filter.area);
      if (framework === undefined) return inArea;
      const linkFramework = linkFrameworkOf(framework);
      return inArea
        .map((c) => ({
          ...c,
          requirements: c.requirements.filter((l) => l.framework === linkFramework).map((l) => ({ ...l, framework })),
        }))
        .filter((c) => c.requirements.length > 0);
    },

    async coverage(frameworkId: string): Promise<CoverageReport> {
      const framework = loadCatalog().framework(frameworkId);
      return computeCoverage(framework, await repo().list());
    },
  };
}
