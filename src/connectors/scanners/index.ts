/**
 * The scanner connectors, one per format, and the format for a source `type` — what `vigil import`
 * and the upload API use to read a file the same way a watched folder is read.
 */
import { VigilError } from '../../lib/errors.ts';
import type { Connector } from '../sdk/index.ts';
import type { ScannerConfig } from './define-scanner.ts';
import { grype } from './grype/index.ts';
import { grypeFormat } from './grype/format.ts';
import { ocsf } from './ocsf/index.ts';
import { ocsfFormat } from './ocsf/format.ts';
import { osvScanner } from './osv-scanner/index.ts';
import { osvFormat } from './osv-scanner/format.ts';
import { sarif } from './sarif/index.ts';
import { sarifFormat } from './sarif/format.ts';
import type { ScanFormat } from './scan-file.ts';
import { isScannerType, scannerTypes, type ScannerType } from './scan-row.ts';
import { trivy } from './trivy/index.ts';
import { trivyFormat } from './trivy/format.ts';

export { readScanFile, sha256Hex, type ReadScanOptions } from './scan-file.ts';
export { scanRowSchema, findingSchema, scannerTypes, scanStreams, isScannerType, SCANS, type ScanRow, type FindingRow, type ScannerType, type FindingSeverity } from './scan-row.ts';
export { scannerConfigSchema, type ScannerConfig } from './define-scanner.ts';

export const scannerConnectors: Record<ScannerType, Connector<ScannerConfig>> = {
  trivy,
  grype,
  'osv-scanner': osvScanner,
  sarif,
  ocsf,
};

const formats: Record<ScannerType, ScanFormat<unknown>> = {
  trivy: trivyFormat,
  grype: grypeFormat,
  'osv-scanner': osvFormat,
  sarif: sarifFormat,
  ocsf: ocsfFormat,
};

/** The format of a scanner `type`; anything else is an InvalidInput listing the types. */
export function scanFormat(type: string): ScanFormat<unknown> {
  if (!isScannerType(type)) {
    throw new VigilError('InvalidInput', `"${type}" is not a scanner format Vigil imports`, {
      hint: `use one of: ${scannerTypes.join(', ')}`,
      details: { type, known: [...scannerTypes] },
    });
  }
  return formats[type];
}
