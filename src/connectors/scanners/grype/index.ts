/** Grype: image, directory and SBOM scans from Grype's JSON report. */
import { defineScanner } from '../define-scanner.ts';
import { grypeFormat } from './format.ts';

export const grype = defineScanner(grypeFormat, {
  title: 'Grype (JSON report import)',
  description:
    'Vulnerable packages from Grype JSON reports (grype <image|dir:…|sbom:…> -o json), imported from a file, a watched folder, `vigil import` or the upload API.',
});
