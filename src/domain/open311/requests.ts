import { and, asc, desc, eq, gte, inArray, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, categories, idempotencyKeys, tickets, units, users } from '../../../db/schema/index.ts';
import { Open311Error } from './errors.ts';
import { scrub, statusNotes } from './public-text.ts';
import { publicCategoryIds } from './services.ts';

/** The spec's default and ceiling: a 90-day span and at most 1,000 requests. */
export const MAX_SPAN_DAYS = 90;
export const MAX_ROWS = 1000;

/** What the public may read: non-confidential tickets in public categories. */
export const publicTickets: SQL = and(eq(tickets.confidential, false), sql`${tickets.categoryId} in ${publicCategoryIds}`)!;

const columns = {
  t: tickets,
  serviceCode: categories.code,
  serviceName: categories.name,
};
type Row = { t: typeof tickets.$inferSelect; serviceCode: string; serviceName: string };

/** W3C datetime as the spec writes it: UTC+8 (the city's time, no daylight saving), seconds precision. */
export function w3c(d: Date | null | undefined): string | null {
  if (!d) return null;
  return `${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

export type RequestFilter =
  | { ids: string[] }
  | { serviceCodes?: string[]; statuses?: ('open' | 'closed')[]; from: Date; to: Date };

export async function findRequests(db: Db, f: RequestFilter) {
  const where: SQL[] = [publicTickets];
  if ('ids' in f) {
    // The spec: service_request_id "overrides all other arguments".
    where.push(inArray(tickets.number, f.ids));
  } else {
    where.push(gte(tickets.createdAt, f.from), lte(tickets.createdAt, f.to));
    if (f.serviceCodes?.length) where.push(inArray(categories.code, f.serviceCodes));
    if (f.statuses?.length === 1) where.push(f.statuses[0] === 'closed' ? eq(tickets.status, 'closed') : ne(tickets.status, 'closed'));
  }
  const rows = await db
    .select(columns)
    .from(tickets)
    .innerJoin(categories, eq(categories.id, tickets.categoryId))
    .where(and(...where))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(MAX_ROWS);
  return present(db, rows);
}

export async function findRequest(db: Db, number: string) {
  const [found] = await findRequests(db, { ids: [number] });
  if (!found) throw Open311Error.of(404, 'request_not_found', { id: number });
  return found;
}

/**
 * Tokens: a client that sends an Idempotency-Key with its POST can later ask which request that key
 * created (useful when the POST's answer was lost). Keys are stored per user; looking one up among the
 * intake-client users probes the (user, key) primary key a few times rather than scanning the table.
 */
export async function findToken(db: Db, token: string) {
  const rows = await db
    .select({ number: tickets.number })
    .from(idempotencyKeys)
    .innerJoin(tickets, eq(tickets.id, idempotencyKeys.ticketId))
    .where(
      and(
        sql`${idempotencyKeys.userId} in (select ${users.id} from ${users} where ${users.role} = 'intake_client')`,
        eq(idempotencyKeys.key, token),
        eq(tickets.channel, 'open311'),
        publicTickets,
      ),
    )
    .orderBy(asc(idempotencyKeys.createdAt));
  if (!rows.length) throw Open311Error.of(404, 'token_not_found', { token });
  return rows.map((r) => ({ service_request_id: r.number, token }));
}

/** The unit now (or last) leading each ticket, and its completion deadline. */
async function leads(db: Db, ticketIds: number[]) {
  const out = new Map<number, { unitName: string; completeDueAt: Date | null }>();
  if (!ticketIds.length) return out;
  const rows = await db
    .select({ ticketId: assignments.ticketId, unitName: units.name, completeDueAt: assignments.completeDueAt })
    .from(assignments)
    .innerJoin(units, eq(units.id, assignments.unitId))
    // A returned lead no longer holds the ticket.
    .where(and(inArray(assignments.ticketId, ticketIds), eq(assignments.role, 'lead'), ne(assignments.status, 'returned')))
    .orderBy(asc(assignments.id));
  for (const r of rows) out.set(r.ticketId, { unitName: r.unitName, completeDueAt: r.completeDueAt });
  return out;
}

async function numbersOf(db: Db, ids: number[]) {
  if (!ids.length) return new Map<number, string>();
  const rows = await db.select({ id: tickets.id, number: tickets.number }).from(tickets).where(inArray(tickets.id, ids));
  return new Map(rows.map((r) => [r.id, r.number]));
}

/** A GeoReport service request: every field of the spec's list, null where this system has no value. */
async function present(db: Db, rows: Row[]) {
  const [lead, merged] = await Promise.all([
    leads(db, rows.map((r) => r.t.id)),
    numbersOf(db, [...new Set(rows.map((r) => r.t.mergedIntoTicketId).filter((x): x is number => x !== null))]),
  ]);
  return rows.map(({ t, serviceCode, serviceName }) => {
    const l = lead.get(t.id);
    const closed = t.status === 'closed';
    return {
      service_request_id: t.number,
      status: closed ? 'closed' : 'open',
      status_notes: statusNotes(t, { unitName: l?.unitName ?? null, mergedIntoNumber: t.mergedIntoTicketId ? (merged.get(t.mergedIntoTicketId) ?? null) : null }),
      service_name: serviceName,
      service_code: serviceCode,
      description: scrub(t.content, t),
      agency_responsible: l?.unitName ?? null,
      service_notice: null,
      requested_datetime: w3c(t.createdAt),
      // The spec: for a closed request, the time it was closed.
      updated_datetime: w3c(closed ? (t.closedAt ?? t.updatedAt) : t.updatedAt),
      expected_datetime: w3c(l?.completeDueAt),
      address: t.address === null ? null : scrub(t.address, t),
      address_id: null,
      zipcode: null,
      lat: t.lat,
      long: t.lng,
      media_url: null,
    };
  });
}
export type ServiceRequest = Awaited<ReturnType<typeof findRequests>>[number];
