/** OSV-Scanner: vulnerable dependencies of lockfiles, SBOMs and images from OSV-Scanner's JSON output. */
import { defineScanner } from '../define-scanner.ts';
import { osvFormat } from './format.ts';

export const osvScanner = defineScanner(osvFormat, {
  title: 'OSV-Scanner (JSON output import)',
  description:
    'Vulnerable dependencies from OSV-Scanner JSON output (osv-scanner scan --format json), one finding per group of aliases, imported from a file, a watched folder, `vigil import` or the upload API.',
});
