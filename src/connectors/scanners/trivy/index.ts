/** Trivy: container image, filesystem and repository scans from Trivy's JSON report. */
import { defineScanner } from '../define-scanner.ts';
import { trivyFormat } from './format.ts';

export const trivy = defineScanner(trivyFormat, {
  title: 'Trivy (JSON report import)',
  description:
    'Vulnerabilities, failed misconfigurations and secrets from Trivy JSON reports (trivy image|fs|repo --format json), imported from a file, a watched folder, `vigil import` or the upload API.',
});
