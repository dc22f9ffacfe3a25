/** SARIF 2.1.0: code-scanning results of CodeQL, Semgrep and any tool that writes SARIF. */
import { defineScanner } from '../define-scanner.ts';
import { sarifFormat } from './format.ts';

export const sarif = defineScanner(sarifFormat, {
  title: 'SARIF 2.1.0 (code scanning import)',
  description:
    'Open code-scanning results from SARIF 2.1.0 logs (CodeQL, Semgrep and other tools), per repository analysed, imported from a file, a watched folder, `vigil import` or the upload API.',
});
