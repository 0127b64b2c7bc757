import { z } from 'zod';
import { exportTickets } from '../../domain/tickets/export.ts';
import { presentList, searchTickets } from '../../domain/tickets/search.ts';
import { ticketFilters, ticketListQuery } from '../../domain/tickets/search-filters.ts';
import { CENTRE_ROLES, UNIT_ROLES, type Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

const READERS: Role[] = [...CENTRE_ROLES, ...UNIT_ROLES, 'intake_client'];
const exportQuery = ticketFilters.extend({
  format: z.enum(['csv', 'xlsx']),
  /** timings: each row also has first contact, first reply, outcome, last callback, attempts, solved, satisfaction */
  detail: z.enum(['timings']).optional(),
});
const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/** The ticket list, search and export (registered before /api/tickets/:id, so "export" is not read as an id). */
export const ticketListRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/tickets',
    summary:
      'List and search the tickets the actor may see: number, caller (centre only), Chinese full text, status, unit (with its subtree), ' +
      'category, channel, urgency, warning, supervision, dates, overdue; sorted, keyset-paged (?cursor=, or the older ?before=<id>)',
    tag: 'tickets',
    access: READERS,
    query: ticketListQuery,
    handler: async ({ deps, actor, query }) => {
      const { cursor, before, limit, ...filters } = query;
      const page = await searchTickets(deps.db, actor, { filters, cursor, before, limit }, deps.clock.now());
      const last = page.rows.at(-1);
      return {
        body: {
          items: await presentList(deps.db, actor, page.rows),
          nextCursor: page.nextCursor,
          /** The older paging by id (newest first): the last id of a full page */
          nextBefore: page.nextCursor && last ? last.id : null,
        },
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/tickets/export',
    summary:
      'The list (same filters, scope and masking) as a streamed CSV (UTF-8 with BOM) or XLSX file, with detail=timings a row per ticket with its timings, outcome and callback answer (e.g. a period by receivedFrom/receivedTo); audited (tickets_export)',
    tag: 'tickets',
    access: READERS,
    query: exportQuery,
    responseDescription: 'text/csv or an XLSX workbook',
    handler: async ({ deps, actor, query }) => {
      const { format, detail, ...filters } = query;
      const stream = await exportTickets(deps.db, actor, filters, format, deps.clock.now(), { detail });
      const name = `tickets-${deps.clock.now().toISOString().slice(0, 10)}.${format}`;
      return {
        body: stream,
        headers: { 'Content-Type': CONTENT_TYPES[format], 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
      };
    },
  }),
];
