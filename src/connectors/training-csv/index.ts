/**
 * Training and policy acknowledgements from exports: the awareness-training platform's completions
 * and the policy acknowledgements, as CSV or JSON files dropped on a schedule. A file source: no
 * HTTP, no credentials.
 */
import { defineConnector } from '../sdk/index.ts';
import { configSchema } from './config.ts';
import { acknowledgements, loadAcknowledgements } from './resources/acknowledgements.ts';
import { completions, loadCompletions } from './resources/completions.ts';

export const trainingCsv = defineConnector({
  id: 'training-csv',
  title: 'Training and policy acknowledgements (CSV / JSON)',
  description: 'Security awareness training completions and policy acknowledgements from CSV or JSON exports, joined to the HR roster by work email.',
  configSchema,
  auth: {
    description: 'None: Vigil reads local files. The export jobs write them; Vigil only needs read access.',
    permissions: ['read access to the export files for the user Vigil runs as'],
  },
  async testConnection(ctx) {
    const parts: string[] = [];
    if (ctx.config.completions) parts.push(`${(await loadCompletions(ctx.config.completions)).rows.length} completions in ${ctx.config.completions.path}`);
    if (ctx.config.acknowledgements) parts.push(`${(await loadAcknowledgements(ctx.config.acknowledgements)).rows.length} acknowledgements in ${ctx.config.acknowledgements.path}`);
    return { summary: `readable: ${parts.join('; ')}` };
  },
  resources: [completions, acknowledgements],
  notApplicable: [
    { code: 'not_configured', reason: 'no training completions file is configured for this source', appliesTo: ['completions'] },
    { code: 'not_configured', reason: 'no policy acknowledgements file is configured for this source', appliesTo: ['acknowledgements'] },
  ],
});

export default trainingCsv;
