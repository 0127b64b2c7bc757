import { and, asc, desc, eq, gte, inArray, isNull, lte, ne, sql, type SQL } from 'drizzle-orm';
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

export type RequestFilter = { ids: string[] } | { serviceCodes?: string[]; statuses?: ('open' | 'closed')[]; from: Date; to: Date };

export async function findRequests(db: Db, f: RequestFilter): Promise<PublicRequest[]> {
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
 * Tokens: a client that sends an Idempotency-Key with its POST can later ask which requests (their numbers) that key
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
  return rows.map((r) => r.number);
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
    .where(and(inArray(assignments.ticketId, ticketIds), eq(assignments.role, 'lead'), isNull(assignments.parentId), ne(assignments.status, 'returned')))
    .orderBy(asc(assignments.id));
  for (const r of rows) out.set(r.ticketId, { unitName: r.unitName, completeDueAt: r.completeDueAt });
  return out;
}

async function numbersOf(db: Db, ids: number[]) {
  if (!ids.length) return new Map<number, string>();
  const rows = await db.select({ id: tickets.id, number: tickets.number }).from(tickets).where(inArray(tickets.id, ids));
  return new Map(rows.map((r) => [r.id, r.number]));
}

/**
 * What the public may read of a request: a closed one's last update is the time it was closed; the lead
 * unit's deadline is the expected time. Free text is scrubbed (public-text.ts).
 */
export type PublicRequest = {
  number: string;
  closed: boolean;
  statusNotes: string;
  serviceName: string;
  serviceCode: string;
  description: string;
  agency: string | null;
  requestedAt: Date;
  updatedAt: Date;
  expectedAt: Date | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
};

async function present(db: Db, rows: Row[]): Promise<PublicRequest[]> {
  const [lead, merged] = await Promise.all([
    leads(
      db,
      rows.map((r) => r.t.id),
    ),
    numbersOf(db, [...new Set(rows.map((r) => r.t.mergedIntoTicketId).filter((x): x is number => x !== null))]),
  ]);
  return rows.map(({ t, serviceCode, serviceName }) => {
    const l = lead.get(t.id);
    const closed = t.status === 'closed';
    return {
      number: t.number,
      closed,
      statusNotes: statusNotes(t, {
        unitName: l?.unitName ?? null,
        mergedIntoNumber: t.mergedIntoTicketId ? (merged.get(t.mergedIntoTicketId) ?? null) : null,
      }),
      serviceName,
      serviceCode,
      description: scrub(t.content, t),
      agency: l?.unitName ?? null,
      requestedAt: t.createdAt,
      updatedAt: closed ? (t.closedAt ?? t.updatedAt) : t.updatedAt,
      expectedAt: l?.completeDueAt ?? null,
      address: t.address === null ? null : scrub(t.address, t),
      lat: t.lat,
      lng: t.lng,
    };
  });
}
