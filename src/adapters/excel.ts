/**
 * exceljs, loaded by the first export that writes a workbook: loaded at start-up it would hold ≈ 20 MB of every
 * instance's memory for a feature most requests never use (docs/benchmarks.md, memory).
 */
import { createRequire } from 'node:module';
import type ExcelTypes from 'exceljs';

export type { ExcelTypes };
let excel: typeof ExcelTypes | undefined;
export const excelJs = (): typeof ExcelTypes => (excel ??= createRequire(import.meta.url)('exceljs') as typeof ExcelTypes);
