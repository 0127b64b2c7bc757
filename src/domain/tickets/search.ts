/**
 * The ticket list and search (GET /api/tickets, its export and saved views' counts): every filter as SQL within
 * what the actor may see, a sort with a keyset cursor (sort key, id) so paging never skips nor repeats a row, and
 * the list item as the role sees it.
 */
import { and, asc, desc, eq, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/client.ts';
import { assignments, categories, supervisionItems, tickets, units } from '../../../db/schema/index.ts';
import { isCentre, type Actor } from '../auth/actor.ts';
import { ForbiddenError, UnprocessableError, ValidationError } from '../errors.ts';
import { normalisePhone } from '../../contract/phone.ts';
import { nameIndex, phoneIndex } from '../privacy/caller-index.ts';
import { probesDigits } from '../privacy/phone-numbers.ts';
import { readsAll, readsScoped } from './policy.ts';
import { summary } from './presenter.ts';
import { escapeLike, rowsOf, visibleTo } from './queries.ts';
import { awaitingReviewOf, commaValues, dashedNumber, shanghaiDay, type Sort, type TicketFilters } from './search-filters.ts';
import { ticketQuery } from './search-terms.ts';
import { WARNING_LEVELS } from '../vocab.ts';

/**
 * The lead's completion deadline (the centre's own dispatch; the latest lead after a re-dispatch) and the units on the
 * ticket's chain with their ancestors: copies on the ticket kept by triggers on assignments (migration 0019), so a due
 * sort is an index order and a subtree one GIN lookup. The sentinel makes a missing deadline sort last (the indexes'
 * expressions: tickets_lead_due_idx, tickets_lead_due_desc_idx).
 */
const dueKey = (last: 'infinity' | '-infinity') => sql`coalesce(${tickets.leadDueAt}, ${sql.raw(`'${last}'::timestamptz`)})`;
const holds = (unitId: number) => sql`${tickets.unitIds} @> array[${unitId}]::integer[]`;

/** visibleTo, with a unit's scope read from the ticket's unit_ids (the same tickets: those with an assignment in its subtree). */
function searchVisibleTo(actor: Actor): SQL {
  return readsScoped(actor) && Number.isSafeInteger(actor.unitId) ? holds(actor.unitId) : visibleTo(actor);
}

const likeAny = (s: string) => {
  const p = `%${escapeLike(s)}%`;
  return sql`(${tickets.title} like ${p} or ${tickets.content} like ${p} or coalesce(${tickets.address}, '') like ${p})`;
};

function dayRange(column: SQL | AnyPgColumn, from?: string, to?: string): SQL[] {
  const out: SQL[] = [];
  if (from) out.push(sql`${column} >= ${shanghaiDay(from).start.toISOString()}::timestamptz`);
  if (to) out.push(sql`${column} < ${shanghaiDay(to).end.toISOString()}::timestamptz`);
  return out;
}

function freeText(actor: Actor, q: string): SQL {
  // Numbers in free text are masked for every reader but the centre: a search by digits would undo that.
  if (!readsAll(actor) && probesDigits(q)) throw new UnprocessableError('search_digits_refused');
  const { tsquery, singles } = ticketQuery(q);
  const parts = singles.map(likeAny);
  if (tsquery) parts.push(sql`to_tsvector('simple', ${tickets.searchTerms}) @@ to_tsquery('simple', ${tsquery})`);
  return parts.length ? and(...parts)! : likeAny(q);
}

/**
 * The phone filter. Numbers are encrypted at rest, so only two look-ups stay possible: the last four digits (their
 * own column, as the citizen look-up uses) and a whole number (its blind index, after the same normalisation as
 * intake). Any other part of a number cannot be matched and is refused, saying what to give instead.
 */
function phoneFilter(phone: string): SQL {
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 4) return eq(tickets.callerPhoneLast4, digits);
  if (normalisePhone(phone) === null) throw new UnprocessableError('phone_filter_partial', { given: digits.length });
  return eq(tickets.callerPhoneIndex, phoneIndex(phone));
}

/** The WHERE of a list: visibility first, then every filter given (AND). */
export function filterWhere(actor: Actor, f: TicketFilters, now: Date): SQL[] {
  if ((f.phone || f.name) && !isCentre(actor)) throw new ForbiddenError('search_field_forbidden');
  const where: SQL[] = [searchVisibleTo(actor)];
  const inList = <C extends typeof tickets.status | typeof tickets.channel | typeof tickets.urgency | typeof tickets.warningLevel>(c: C, s?: string) => {
    const values = commaValues(s);
    if (values.length) where.push(inArray(c, values as never[]));
  };
  inList(tickets.status, f.status);
  inList(tickets.channel, f.channel);
  inList(tickets.urgency, f.urgency);
  inList(tickets.warningLevel, f.warningLevel);
  if (f.number) {
    const n = dashedNumber(f.number);
    // A prefix is read as its day's received-time range (dashedNumber): the day alone (8 digits) is that range and
    // nothing more — planned with the number's prefix as well, the planner took both for independent and walked
    // the number index through the whole day (27,000 rows at 10 M tickets) instead of the time index (50).
    if (n.exact) where.push(eq(tickets.number, n.value));
    else if (!n.day) where.push(sql`false`);
    else where.push(...(n.value.length > 9 ? [sql`${tickets.number} like ${`${n.value}%`}`] : []), ...dayRange(tickets.createdAt, n.day, n.day));
  }
  if (f.q) where.push(freeText(actor, f.q));
  if (f.mine === 'true') where.push(eq(tickets.createdBy, actor.userId));
  if (f.phone) where.push(phoneFilter(f.phone));
  // Names are encrypted at rest: a name matches exactly (its blind index), no longer a part of it.
  if (f.name) where.push(eq(tickets.callerNameIndex, nameIndex(f.name)));
  if (f.unitId) {
    where.push(
      f.subtree === 'false' ? sql`exists (select 1 from ${assignments} a where a.ticket_id = ${tickets.id} and a.unit_id = ${f.unitId})` : holds(f.unitId),
    );
  }
  if (f.categoryId) {
    where.push(sql`${tickets.categoryId} in (with recursive down as (
      select id from ${categories} where id = ${f.categoryId}
      union all select c.id from ${categories} c join down on c.parent_id = down.id) select id from down)`);
  }
  if (f.supervised === 'true') {
    where.push(sql`exists (select 1 from ${supervisionItems} si
      where si.ticket_id = ${tickets.id} and si.kind = 'supervision' and si.resolved_at is null)`);
  }
  where.push(...dayRange(tickets.createdAt, f.receivedFrom, f.receivedTo));
  // on the sort's expression (its index); a ticket without a deadline matches no due range, as before
  if (f.dueFrom || f.dueTo) where.push(sql`${tickets.leadDueAt} is not null`, ...dayRange(dueKey('infinity'), f.dueFrom, f.dueTo));
  where.push(...dayRange(tickets.closedAt, f.closedFrom, f.closedTo));
  if (f.overdue === 'true') {
    // open_due_at: the earliest deadline of the assignments still at work (kept by the triggers of migrations 0019, 0021)
    where.push(sql`${tickets.status} <> 'closed' and ${tickets.openDueAt} < ${now.toISOString()}::timestamptz`);
  }
  if (f.awaitingReview === 'true') where.push(awaitingReviewOf(actor));
  return where;
}

type SortSpec = { key: SQL; type: string; dir: 'asc' | 'desc' };

/** The sort key as SQL; a missing deadline or closing time sorts last either way (a sentinel, so the keyset stays total). */
function sortSpec(sort: Sort | 'id'): SortSpec {
  const dir = sort.startsWith('-') || sort === 'id' ? 'desc' : 'asc';
  // A constant (not a parameter): the planner sees it, and drivers need not serialise 'infinity' as a date.
  const lastName = dir === 'asc' ? 'infinity' : '-infinity';
  const last = sql.raw(`'${lastName}'::timestamptz`);
  switch (sort.replace('-', '')) {
    case 'due':
      return { key: dueKey(lastName), type: 'timestamptz', dir };
    case 'closed':
      return { key: sql`coalesce(${tickets.closedAt}, ${last})`, type: 'timestamptz', dir };
    case 'warning':
      return { key: sql`${tickets.warningLevel}`, type: 'warning_level', dir };
    case 'id':
      return { key: sql`${tickets.id}`, type: 'bigint', dir };
    default:
      return { key: sql`${tickets.createdAt}`, type: 'timestamptz', dir };
  }
}

type Cursor = { s: string; k: string; i: number };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** A key the database will read as its type (a forged cursor must be a 400, never a cast error). */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
function isTimestamp(k: string): boolean {
  if (k === 'infinity' || k === '-infinity') return true;
  const m = TIMESTAMP.exec(k);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi;
}
const KEY_FORMS: Record<string, (k: string) => boolean> = {
  timestamptz: isTimestamp,
  warning_level: (k) => (WARNING_LEVELS as readonly string[]).includes(k),
  bigint: (k) => /^\d{1,18}$/.test(k),
};

function decodeCursor(raw: string, sort: string, type: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (c.s === sort && typeof c.k === 'string' && KEY_FORMS[type]?.(c.k) && Number.isSafeInteger(c.i)) return c;
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError([{ path: 'query.cursor', code: 'invalid_cursor', message: 'not a cursor of this list and sort' }]);
}

const { searchTerms: _omit, unitIds: _units, ...listColumns } = getTableColumns(tickets);

export type ListPage = { filters: TicketFilters; cursor?: string; before?: number; limit: number };

/**
 * Free text is first tried on a window: the first TEXT_WINDOW tickets of the list without its text, in the list's order.
 * The planner cannot know that the bigrams of one phrase come together (it multiplies their frequencies), so for a common
 * phrase it reads every hit through the bigram index and sorts them all; the window reads the list in its order and
 * stops at the page's last hit. When the window holds a whole page of hits those are the list's first hits (every hit
 * outside it comes later in the order); otherwise the page is asked of the whole list (docs/search.md).
 */
export const TEXT_WINDOW = 5000;

/**
 * The query of one page (limit + 1 rows, to know whether another follows); with `window`, over the first `window`
 * tickets of the list without its free text (see TEXT_WINDOW). The bench reads its SQL for EXPLAIN.
 */
export function searchQuery(db: Db, actor: Actor, page: ListPage, now: Date, window?: number) {
  const f = page.filters;
  // The older ?before=<id> pages by id, newest first, as it always did.
  const sort: Sort | 'id' = page.before && !f.sort ? 'id' : (f.sort ?? '-received');
  const spec = sortSpec(sort);
  const windowed = window && f.q ? f.q : undefined;
  const where = filterWhere(actor, windowed ? { ...f, q: undefined } : f, now);
  if (page.before) where.push(sql`${tickets.id} < ${page.before}`);
  if (page.cursor) {
    const c = decodeCursor(page.cursor, sort, spec.type);
    const cmp = spec.dir === 'asc' ? sql`>` : sql`<`;
    where.push(sql`(${spec.key}, ${tickets.id}) ${cmp} (${c.k}::${sql.raw(spec.type)}, ${c.i})`);
  }
  const order = spec.dir === 'asc' ? asc : desc;
  // the window keeps the table's name, so the text, the sort key and the columns read from it as from the table
  const from = windowed
    ? db
        .select(getTableColumns(tickets))
        .from(tickets)
        .where(and(...where))
        .orderBy(order(spec.key), order(tickets.id))
        .limit(window!)
        .as('tickets')
    : tickets;
  const query = db
    .select({
      ...listColumns,
      sortKey: sql<string>`(${spec.key})::text`,
      // A clock of the ticket waits for the calendar (served by the partial index on waiting assignments). The ticket's id
      // written out: drizzle leaves a select list's columns unqualified, and a bare "id" here would be the assignment's.
      awaitingCalendar: sql<boolean>`exists (select 1 from ${assignments} aw where aw.ticket_id = "tickets"."id" and aw.sla_waiting <> '[]'::jsonb)`,
    })
    .from(from)
    .where(windowed ? freeText(actor, windowed) : and(...where))
    .orderBy(order(spec.key), order(tickets.id))
    .limit(page.limit + 1);
  return { query, sort };
}

/**
 * Runs a list's queries planned for their values. A list's best plan depends on them — a street's 40,000 tickets or
 * a district's 400,000, a rare word or a common one — but a named prepared statement (db/client.ts) gets a generic
 * plan, made without the values, from its sixth run on a connection: at 10 M tickets a street's text search with a
 * status went from 120–220 ms to 350–600 ms once it did (docs/benchmarks.md, "Search and lists"). Planning anew
 * costs well under a millisecond; `set local` holds to the end of this (read) transaction.
 */
async function withCustomPlans<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    return fn(tx as unknown as Db);
  });
}

/** One page of the list: rows in sort order and the cursor of the next page (null on the last). */
export async function searchTickets(db: Db, actor: Actor, page: ListPage, now: Date) {
  const { rows, sort } = await withCustomPlans(db, async (tx) => {
    const { query, sort } = searchQuery(tx, actor, page, now, TEXT_WINDOW);
    let rows = await query;
    if (page.filters.q && rows.length <= page.limit) rows = await searchQuery(tx, actor, page, now).query;
    return { rows, sort };
  });
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items.at(-1);
  return { rows: items, nextCursor: more && last ? encodeCursor({ s: sort, k: last.sortKey, i: last.id }) : null };
}

/** How many tickets a list has for this actor, counted up to `cap` (a saved view's badge says "1000+" beyond). */
export async function countTickets(db: Db, actor: Actor, f: TicketFilters, now: Date, cap = 1000): Promise<{ count: number; capped: boolean }> {
  const where = filterWhere(actor, f, now);
  const [r] = await withCustomPlans(db, (tx) => {
    const inner = tx
      .select({ one: sql`1` })
      .from(tickets)
      .where(and(...where))
      .limit(cap + 1);
    return tx.select({ n: sql<number>`count(*)::int` }).from(inner.as('page'));
  });
  const n = Number(r?.n ?? 0);
  return { count: Math.min(n, cap), capped: n > cap };
}

type ListRow = Awaited<ReturnType<typeof searchTickets>>['rows'][number];

/** For the page's tickets with a clock awaiting the calendar: the earliest year one of them needs (what to import). */
async function awaitingYears(db: Db, ticketIds: number[]): Promise<Map<number, number>> {
  if (!ticketIds.length) return new Map();
  const rows = rowsOf<{ ticket_id: number; date: string }>(
    await db.execute(sql`
      select ${assignments.ticketId} as ticket_id, min(w->>'date') as date from ${assignments}, jsonb_array_elements(${assignments.slaWaiting}) w
      where ${inArray(assignments.ticketId, ticketIds)} and ${assignments.slaWaiting} <> '[]'::jsonb
      group by ${assignments.ticketId}`),
  );
  return new Map(rows.map((r) => [Number(r.ticket_id), Number(r.date.slice(0, 4))]));
}

/**
 * The page's rows as the role sees them, with the lead unit and its deadline, the category's name (two queries per
 * page) and, for a ticket with a clock awaiting the calendar, the year it waits for (a third query, only then).
 */
export async function presentList(db: Db, actor: Actor, rows: ListRow[]) {
  const ids = rows.map((r) => r.id);
  const categoryIds = [...new Set(rows.map((r) => r.categoryId))];
  const [leads, cats, years] = ids.length
    ? await Promise.all([
        db
          .selectDistinctOn([assignments.ticketId], {
            ticketId: assignments.ticketId,
            unitId: assignments.unitId,
            name: units.name,
            dueAt: assignments.completeDueAt,
          })
          .from(assignments)
          .innerJoin(units, eq(units.id, assignments.unitId))
          .where(and(inArray(assignments.ticketId, ids), eq(assignments.role, 'lead'), isNull(assignments.parentId)))
          .orderBy(assignments.ticketId, desc(assignments.id)),
        db.select({ id: categories.id, name: categories.name }).from(categories).where(inArray(categories.id, categoryIds)),
        awaitingYears(
          db,
          rows.filter((r) => r.awaitingCalendar).map((r) => r.id),
        ),
      ])
    : [[], [], new Map<number, number>()];
  const leadOf = new Map(leads.map((l) => [l.ticketId, l]));
  const catOf = new Map(cats.map((c) => [c.id, c.name]));
  return rows.map((t) => {
    const { sortKey: _key, ...row } = t;
    const lead = leadOf.get(t.id);
    return {
      ...summary(actor, { ...row, searchTerms: '', unitIds: [] }),
      receivedAt: t.createdAt.toISOString(),
      completeDueAt: lead?.dueAt ? lead.dueAt.toISOString() : null,
      category: { id: t.categoryId, name: catOf.get(t.categoryId) ?? null },
      leadUnit: lead ? { id: lead.unitId, name: lead.name } : null,
      /** The year of the working-day calendar a clock of the ticket waits for (null when none waits) */
      awaitingCalendarYear: years.get(t.id) ?? null,
    };
  });
}
