import { z } from 'zod';
import { contentDisposition } from '../../domain/attachments/content.ts';
import { generateMonthlyReport, getReportFigures, getReportFile, listReports, type ReportFormat } from '../../domain/reports/commands.ts';
import { MONTH_PATTERN } from '../../domain/reports/months.ts';
import type { Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

/** The monthly report is the centre's assessment document: supervisors and admins. */
const READERS: Role[] = ['supervisor', 'admin'];
const month = z.string().regex(MONTH_PATTERN, 'expected YYYY-MM');
const monthParam = z.object({ month }).strict();

/** A download of a stored file: the bytes exactly as generated, with their sha256 as the ETag. */
function download(format: ReportFormat) {
  return route<{ month: string }>({
    method: 'get',
    path: `/api/reports/monthly/:month.${format}`,
    summary: `Download a stored monthly report as ${format.toUpperCase()} (the bytes as generated; the file name in Chinese through filename*)`,
    tag: 'reports',
    access: READERS,
    params: monthParam,
    responseDescription: format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    handler: async ({ deps, params }) => {
      const f = await getReportFile(deps.db, params.month, format);
      return {
        body: f.bytes,
        headers: {
          'Content-Type': f.mediaType,
          'Content-Length': String(f.bytes.length),
          'Content-Disposition': contentDisposition(f.fileName, `monthly-report-${params.month}.${format}`),
          'Cache-Control': 'private, no-store',
          ETag: `"${f.sha256}"`,
        },
      };
    },
  });
}

export const reportRoutes: AnyRoute[] = [
  route<Record<string, never>, Record<string, never>, { month: string }>({
    method: 'post',
    path: '/api/reports/monthly',
    summary:
      'Generate (or regenerate, replacing it) the monthly analysis report of a month that is over: figures, PDF printed by Chromium, XLSX. ' +
      'Synchronous; 409 report_generating while another generation of that month runs; 422 for a month not over or before the first ticket; 503 pdf_renderer_unavailable without Chromium.',
    tag: 'reports',
    access: READERS,
    body: z.object({ month }).strict(),
    status: 201,
    responseDescription: 'The stored report (without its bytes): version, sizes, sha256 and download links',
    handler: async ({ deps, actor, body }) => {
      const r = await generateMonthlyReport(deps, actor, body.month, 'manual');
      // A person's request either generates or throws; `generated: false` is the job's answer only.
      return { status: 201, body: r.generated ? r.report : null, headers: { Location: `/api/reports/monthly/${body.month}` } };
    },
  }),
  route({
    method: 'get',
    path: '/api/reports/monthly',
    summary: 'Every stored monthly report, newest month first: status, version, who generated it when, file sizes, sha256 and download links',
    tag: 'reports',
    access: READERS,
    handler: async ({ deps }) => ({ body: { items: await listReports(deps.db) } }),
  }),
  // The downloads come before /:month, which would otherwise take "2026-03.pdf" as a month (and refuse it).
  download('pdf'),
  download('xlsx'),
  route<{ month: string }>({
    method: 'get',
    path: '/api/reports/monthly/:month',
    summary: 'The stored figures of a monthly report (as computed when it was generated) with its metadata',
    tag: 'reports',
    access: READERS,
    params: monthParam,
    handler: async ({ deps, params }) => ({ body: await getReportFigures(deps.db, params.month) }),
  }),
];
