/** OCSF Detection Findings: Prowler's json-ocsf output (AWS, Azure, GCP, Kubernetes checks) and other producers. */
import { defineScanner } from '../define-scanner.ts';
import { ocsfFormat } from './format.ts';

export const ocsf = defineScanner(ocsfFormat, {
  title: 'OCSF Detection Findings (Prowler json-ocsf import)',
  description:
    "Failed cloud checks from OCSF Detection Finding files such as Prowler's -M json-ocsf output, per cloud account, with Prowler's compliance tags mapped to framework requirements; imported from a file, a watched folder, `vigil import` or the upload API.",
});
