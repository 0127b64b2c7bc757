/**
 * Export of a ticket list (GET /api/tickets/export): the same filters, scope and masking as the list, written
 * page by page (keyset, 500 rows a page) into a stream — CSV (UTF-8 with a BOM and CRLF, so Excel opens the
 * Chinese by double-click) or XLSX (exceljs' streaming writer) — so a large result is never held whole. The
 * first page is read before the stream is returned, so a refused filter is a 4xx, not a broken download; the
 * audit entry (`tickets_export`, with the filters and the row count) is written when the last row is out.
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { excelJs } from '../../adapters/excel.ts';
import { CHANNEL_LABELS, STATUS_LABELS, URGENCY_LABELS, WARNING_LEVEL_LABELS } from '../../contract/labels.ts';
import type { Db } from '../../../db/client.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { shanghaiMinute } from '../clock.ts';
import { BOM, cell } from '../metrics/csv.ts';
import type { TicketFilters } from './search-filters.ts';
import { presentList, searchTickets } from './search.ts';
import { TIMING_HEADERS, timingsOf } from './export-timings.ts';

export type ExportFormat = 'csv' | 'xlsx';
/** `timings`: each row also has the ticket's timings and outcome (export-timings.ts) */
export type ExportDetail = 'timings';
export const EXPORT_PAGE = 500;

const HEADERS = ['工单编号', '标题', '状态', '渠道', '紧急程度', '预警', '分类', '主办单位', '受理时间', '办结时限', '办结时间', '诉求人', '联系电话', '地址'];

type Item = Awaited<ReturnType<typeof presentList>>[number];
const time = (iso: string | null) => (iso ? shanghaiMinute(new Date(iso)) : '');

/** One exported line: the list item as the role sees it (caller and title masked as in the list). */
function line(i: Item): string[] {
  return [
    i.number,
    i.title,
    STATUS_LABELS[i.status],
    CHANNEL_LABELS[i.channel],
    URGENCY_LABELS[i.urgency],
    WARNING_LEVEL_LABELS[i.warningLevel],
    i.category.name ?? '',
    i.leadUnit?.name ?? '',
    time(i.receivedAt),
    time(i.completeDueAt),
    time(i.closedAt),
    i.caller.name ?? '',
    i.caller.phone ?? '',
    i.address ?? '',
  ];
}

type Sink = { write(cells: string[]): void; end(): Promise<void> };

function csvSink(out: PassThrough, headers: string[]): Sink {
  out.write(`${BOM}${headers.map(cell).join(',')}\r\n`);
  return {
    write: (cells) => out.write(`${cells.map(cell).join(',')}\r\n`),
    end: async () => {
      out.end();
    },
  };
}

function xlsxSink(out: PassThrough, headers: string[]): Sink {
  const book = new (excelJs().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = book.addWorksheet('工单');
  sheet.addRow(headers).commit();
  return {
    write: (cells) => sheet.addRow(cells).commit(),
    end: async () => {
      sheet.commit();
      await book.commit();
    },
  };
}

export async function exportTickets(
  db: Db,
  actor: Actor,
  filters: TicketFilters,
  format: ExportFormat,
  now: Date,
  opts: { detail?: ExportDetail; pageSize?: number } = {},
): Promise<Readable> {
  const pageSize = opts.pageSize ?? EXPORT_PAGE;
  // Read the first page now: a refused filter (403 / 422) is thrown here, before any byte is sent.
  let page = await searchTickets(db, actor, { filters, limit: pageSize }, now);
  const out = new PassThrough();
  const headers = opts.detail === 'timings' ? [...HEADERS, ...TIMING_HEADERS] : HEADERS;
  const sink = format === 'csv' ? csvSink(out, headers) : xlsxSink(out, headers);
  void (async () => {
    let rows = 0;
    for (;;) {
      const timings =
        opts.detail === 'timings'
          ? await timingsOf(
              db,
              page.rows.map((r) => Number(r.id)),
            )
          : null;
      for (const item of await presentList(db, actor, page.rows)) sink.write(timings ? [...line(item), ...(timings.get(item.id) ?? [])] : line(item));
      rows += page.rows.length;
      if (!page.nextCursor) break;
      // A slow client holds the next page back (the stream's buffer, not memory, bounds what waits).
      if (out.writableNeedDrain) await once(out, 'drain');
      page = await searchTickets(db, actor, { filters, cursor: page.nextCursor, limit: pageSize }, now);
    }
    // Audited before the last bytes go, so a finished download always has its entry.
    await audit(db, actor, 'tickets_export', null, { format, filters, detail: opts.detail ?? null, rows });
    await sink.end();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
