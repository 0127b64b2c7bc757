/**
 * Monthly reports: generate (on demand or by the job), list, read, download.
 *
 * One row per month (monthly_reports). Generating claims the row — an insert, or an update of a row nobody
 * is generating — in one statement, so of several instances (or a person and the job) exactly one goes on;
 * the others skip (the job) or get 409 report_generating (a person). The work itself (queries on the read
 * connection, Chromium, exceljs) runs outside any transaction, and the result is written only by the
 * holder of the claim token. A claim older than CLAIM_TTL_MS (its instance died) may be taken over.
 * Regenerating replaces the stored figures and files and bumps the version.
 */
import { createHash, randomUUID } from 'node:crypto';
import { and, desc, eq, lt, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/client.ts';
import { monthlyReports, users } from '../../../db/schema/index.ts';
import { launchPrinter } from '../../adapters/chromium/pdf.ts';
import { reportXlsx } from '../../adapters/reports/xlsx.ts';
import { readerOf, type Deps, type DbClockDeps, type WithConfig } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { ConflictError, DomainError, NotFoundError, UnprocessableError, ValidationError } from '../errors.ts';
import { loadMetricSettings } from '../metrics/settings.ts';
import { rowsOf } from '../tickets/queries.ts';
import type { MonthlyFigures } from './contents.ts';
import { computeMonthlyFigures } from './figures.ts';
import { triageKinds, type TriageSettings } from '../tickets/triage-clocks.ts';
import { reportHtml, reportTitle } from './html.ts';
import { parseKeyKinds } from '../supervision/kinds.ts';
import { MONTH_PATTERN, monthOf, monthSpan, previousMonth } from './months.ts';

/** A generation still "generating" after this long is taken to have died with its instance. */
export const CLAIM_TTL_MS = 30 * 60_000;

export type ReportTrigger = 'cron' | 'manual';
export type ReportFormat = 'pdf' | 'xlsx';
export const MEDIA_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A month that can have a report: well-formed, over, and not before the first ticket. */
export async function checkReportMonth(db: Db, month: string, now: Date): Promise<void> {
  if (!MONTH_PATTERN.test(month)) throw new ValidationError([{ path: 'body.month', code: 'invalid_format', message: 'expected YYYY-MM' }]);
  if (monthSpan(month).to > now) throw new UnprocessableError('report_month_not_over', { month, latest: previousMonth(monthOf(now)) });
  const [first] = rowsOf<{ at: string | Date | null }>(await db.execute(sql`select min(created_at) as at from tickets`));
  const firstMonth = first?.at ? monthOf(new Date(first.at)) : null;
  if (!firstMonth || month < firstMonth) throw new UnprocessableError('report_month_before_data', { month, first: firstMonth ?? '—' });
}

/** Takes the month's row for this generation, or says who has it. */
async function claim(deps: DbClockDeps, month: string, trigger: ReportTrigger, requestedBy: number | null): Promise<{ id: number; token: string } | null> {
  const now = deps.clock.now();
  const token = randomUUID();
  const set = { status: 'generating', trigger, claimToken: token, claimedAt: now, requestedBy, updatedAt: now };
  const [inserted] = await deps.db
    .insert(monthlyReports)
    .values({ month, ...set })
    .onConflictDoNothing({ target: monthlyReports.month })
    .returning({ id: monthlyReports.id });
  if (inserted) return { id: inserted.id, token };
  const stale = and(eq(monthlyReports.status, 'generating'), lt(monthlyReports.claimedAt, new Date(now.getTime() - CLAIM_TTL_MS)));
  // The job fills in a missing or failed month only; a person may regenerate anything not being generated.
  const free = trigger === 'cron' ? or(eq(monthlyReports.status, 'failed'), stale) : or(ne(monthlyReports.status, 'generating'), stale);
  const [updated] = await deps.db
    .update(monthlyReports)
    .set({ ...set, error: null })
    .where(and(eq(monthlyReports.month, month), free))
    .returning({ id: monthlyReports.id });
  return updated ? { id: updated.id, token } : null;
}

export type GenerateResult = { generated: true; report: ReportMeta } | { generated: false; reason: 'exists' | 'generating' | 'no_data' };

/**
 * Generates (or regenerates) one month's report. `actor` null: the scheduled job, which skips a month
 * that already has a report, is being generated, or has no data; a person gets an error for those.
 */
export async function generateMonthlyReport(
  deps: DbClockDeps & Pick<Deps, 'logger' | 'readDb'> & WithConfig<'CHROMIUM_PATH' | 'KEY_SUPERVISION_KINDS' | 'PUBLIC_BASE_URL' | keyof TriageSettings>,
  actor: Actor | null,
  month: string,
  trigger: ReportTrigger = actor ? 'manual' : 'cron',
): Promise<GenerateResult> {
  const now = deps.clock.now();
  try {
    await checkReportMonth(deps.db, month, now);
  } catch (err) {
    if (trigger === 'cron' && err instanceof DomainError && err.code === 'report_month_before_data') return { generated: false, reason: 'no_data' };
    throw err;
  }
  const requestedBy = actor && actor.userId > 0 ? actor.userId : null;
  const claimed = await claim(deps, month, trigger, requestedBy);
  if (!claimed) {
    if (trigger === 'cron') {
      const [row] = await deps.db.select({ status: monthlyReports.status }).from(monthlyReports).where(eq(monthlyReports.month, month));
      return { generated: false, reason: row?.status === 'generating' ? 'generating' : 'exists' };
    }
    throw new ConflictError('report_generating', { month });
  }
  const started = Date.now();
  try {
    const triage = {
      kinds: triageKinds(deps.config),
      replyMinutes: deps.config.TRIAGE_ORDINARY_REPLY_MINUTES,
      acceptDays: deps.config.TRIAGE_ACCEPT_WORKING_DAYS,
    };
    const figures = await computeMonthlyFigures(readerOf(deps), month, {
      settings: await loadMetricSettings(deps.db),
      now,
      triage,
      keyKinds: parseKeyKinds(deps.config.KEY_SUPERVISION_KINDS),
    });
    const { pdf, xlsx } = await renderReport(deps, figures);
    const report = await deps.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const [row] = await tx
        .update(monthlyReports)
        .set({
          status: 'ready',
          version: sql`${monthlyReports.version} + 1`,
          generatedAt: now,
          generatedBy: requestedBy,
          data: figures as unknown as Record<string, unknown>,
          pdf,
          xlsx,
          pdfSize: pdf.length,
          xlsxSize: xlsx.length,
          pdfSha256: sha256(pdf),
          xlsxSha256: sha256(xlsx),
          error: null,
          claimToken: null,
          claimedAt: null,
          updatedAt: now,
        })
        .where(and(eq(monthlyReports.id, claimed.id), eq(monthlyReports.claimToken, claimed.token)))
        .returning({ version: monthlyReports.version, pdfSha256: monthlyReports.pdfSha256, xlsxSha256: monthlyReports.xlsxSha256 });
      if (!row) return null;
      await audit(
        tx,
        actor && actor.userId > 0 ? actor : null,
        'monthly_report_generated',
        { type: 'monthly_report', id: month },
        {
          trigger,
          version: row.version,
          pdf: { size: pdf.length, sha256: row.pdfSha256 },
          xlsx: { size: xlsx.length, sha256: row.xlsxSha256 },
          ms: Date.now() - started,
        },
      );
      return row;
    });
    if (!report) {
      // Our claim went stale and another instance took the month over: its result stands.
      deps.logger.warn({ month }, 'monthly report: claim taken over by another generation; result discarded');
      if (trigger === 'cron') return { generated: false, reason: 'generating' };
      throw new ConflictError('report_generating', { month });
    }
    deps.logger.info({ month, trigger, version: report.version, ms: Date.now() - started }, 'monthly report generated');
    return { generated: true, report: (await getReportMeta(deps.db, month))! };
  } catch (err) {
    const code = err instanceof DomainError ? err.code : 'internal_error';
    await deps.db
      .update(monthlyReports)
      .set({ status: 'failed', error: code, claimToken: null, claimedAt: null, updatedAt: deps.clock.now() })
      .where(and(eq(monthlyReports.id, claimed.id), eq(monthlyReports.claimToken, claimed.token)));
    if (!(err instanceof DomainError)) deps.logger.error({ err, month }, 'monthly report generation failed');
    throw err;
  }
}

/** The two files of one set of figures: the HTML printed by Chromium (one browser, closed after) and the workbook. */
async function renderReport(
  deps: Pick<Deps, 'logger'> & WithConfig<'CHROMIUM_PATH' | 'PUBLIC_BASE_URL'>,
  figures: MonthlyFigures,
): Promise<{ pdf: Buffer; xlsx: Buffer }> {
  const printer = await launchPrinter(deps.config.CHROMIUM_PATH, deps.logger);
  let pdf: Buffer;
  try {
    pdf = await printer.print(reportHtml(figures, { baseUrl: deps.config.PUBLIC_BASE_URL }), { footer: reportTitle(figures) });
  } finally {
    await printer.close();
  }
  return { pdf, xlsx: await reportXlsx(figures) };
}

// ---------------------------------------------------------------- reading

const requester = alias(users, 'requester');
const generator = alias(users, 'generator');

const META = {
  month: monthlyReports.month,
  status: monthlyReports.status,
  version: monthlyReports.version,
  trigger: monthlyReports.trigger,
  generatedAt: monthlyReports.generatedAt,
  generatedById: monthlyReports.generatedBy,
  generatedByName: generator.displayName,
  requestedById: monthlyReports.requestedBy,
  requestedByName: requester.displayName,
  claimedAt: monthlyReports.claimedAt,
  error: monthlyReports.error,
  pdfSize: monthlyReports.pdfSize,
  pdfSha256: monthlyReports.pdfSha256,
  xlsxSize: monthlyReports.xlsxSize,
  xlsxSha256: monthlyReports.xlsxSha256,
  centreName: sql<string | null>`${monthlyReports.data}->>'centreName'`,
  updatedAt: monthlyReports.updatedAt,
};
type MetaRow = { [K in keyof typeof META]: unknown } & { month: string; status: string; version: number };

export type ReportMeta = ReturnType<typeof presentMeta>;

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
const file = (month: string, format: ReportFormat, size: unknown, sha: unknown) =>
  size === null || size === undefined
    ? null
    : { size: Number(size), sha256: String(sha), mediaType: MEDIA_TYPES[format], url: `/api/reports/monthly/${month}.${format}` };

/** What a list shows of a report: never the bytes. `version` counts completed generations. */
export function presentMeta(r: MetaRow) {
  return {
    month: r.month,
    title: r.centreName ? reportTitle({ centreName: String(r.centreName), month: r.month }) : null,
    status: r.status as 'generating' | 'ready' | 'failed',
    version: r.version,
    trigger: r.trigger as ReportTrigger,
    generatedAt: iso(r.generatedAt),
    generatedBy: r.version > 0 ? (r.generatedById ? { id: Number(r.generatedById), name: String(r.generatedByName) } : null) : null,
    requestedBy: r.requestedById ? { id: Number(r.requestedById), name: String(r.requestedByName) } : null,
    error: (r.error as string | null) ?? null,
    pdf: file(r.month, 'pdf', r.pdfSize, r.pdfSha256),
    xlsx: file(r.month, 'xlsx', r.xlsxSize, r.xlsxSha256),
    updatedAt: iso(r.updatedAt),
  };
}

const metaQuery = (db: Db) =>
  db
    .select(META)
    .from(monthlyReports)
    .leftJoin(generator, eq(generator.id, monthlyReports.generatedBy))
    .leftJoin(requester, eq(requester.id, monthlyReports.requestedBy));

/** Every stored report, newest month first. */
export async function listReports(db: Db): Promise<ReportMeta[]> {
  const rows = await metaQuery(db).orderBy(desc(monthlyReports.month));
  return rows.map((r) => presentMeta(r as MetaRow));
}

export async function getReportMeta(db: Db, month: string): Promise<ReportMeta | null> {
  const [row] = await metaQuery(db).where(eq(monthlyReports.month, month));
  return row ? presentMeta(row as MetaRow) : null;
}

/** The stored figures of a month (404 until a version is ready). */
export async function getReportFigures(db: Db, month: string): Promise<{ report: ReportMeta; figures: MonthlyFigures }> {
  const meta = await getReportMeta(db, month);
  const [row] = meta ? await db.select({ data: monthlyReports.data }).from(monthlyReports).where(eq(monthlyReports.month, month)) : [];
  if (!meta || !row?.data) throw new NotFoundError('report_not_found', { month });
  return { report: meta, figures: row.data as unknown as MonthlyFigures };
}

/** The stored file of a month, byte for byte as generated. */
export async function getReportFile(
  db: Db,
  month: string,
  format: ReportFormat,
): Promise<{ bytes: Buffer; sha256: string; fileName: string; mediaType: string }> {
  const column = format === 'pdf' ? monthlyReports.pdf : monthlyReports.xlsx;
  const shaColumn = format === 'pdf' ? monthlyReports.pdfSha256 : monthlyReports.xlsxSha256;
  const [row] = await db
    .select({ bytes: column, sha256: shaColumn, centreName: sql<string | null>`${monthlyReports.data}->>'centreName'` })
    .from(monthlyReports)
    .where(eq(monthlyReports.month, month));
  if (!row?.bytes) throw new NotFoundError('report_not_found', { month });
  return {
    bytes: row.bytes,
    sha256: row.sha256!,
    fileName: `${reportTitle({ centreName: row.centreName ?? '', month })}.${format}`,
    mediaType: MEDIA_TYPES[format],
  };
}

/** The month a job running at `now` reports on: the one before (Asia/Shanghai). */
export const lastMonth = (now: Date) => previousMonth(monthOf(now));
