/**
 * What intake allocates before its transaction: the readable ticket number (a per-day counter), the new
 * ticket's id (its identity sequence), and the Idempotency-Key's earlier use — in one round trip, with the
 * reference-data version, so the intake's writes need not wait for one another.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { idempotencyKeys, referenceVersion } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { shanghaiDate } from '../clock.ts';
import { rowsOf } from './queries.ts';
import { executePrepared } from '../../../db/prepared.ts';

/** The readable number from the Asia/Shanghai date and that day's counter value. */
const ticketNumber = (day: string, n: number) => `${day.replace(/-/g, '')}-${String(n).padStart(6, '0')}`;

/** The day's counter, one up (from 1 on a new day) when `when` holds; returns the new value as `last`. */
const countUp = (day: string | ReturnType<typeof sql.placeholder>, when: SQL) => sql`
  insert into ticket_number_counters (day, last) select ${day}, 1 where ${when}
  on conflict (day) do update set last = ticket_number_counters.last + 1
  returning last`;

/** Readable numbers: the Asia/Shanghai date and that day's counter, taken outside the intake transaction
 * so the counter row is locked only for a moment (a rolled-back intake leaves a gap, never a duplicate). */
export async function nextTicketNumber(db: Db, now: Date): Promise<string> {
  const day = shanghaiDate(now);
  const result = await db.execute<{ last: number }>(countUp(day, sql`true`));
  return ticketNumber(day, Number(rowsOf<{ last: number }>(result)[0]!.last));
}

/** Key-sorted JSON, so the same request hashes the same whatever its key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** What an Idempotency-Key row remembers of the request: a retry must send the same one. */
export const requestHash = (input: unknown): string => createHash('sha256').update(canonical(input)).digest('hex');

export type IdempotencyRow = Pick<typeof idempotencyKeys.$inferSelect, 'requestHash' | 'ticketId' | 'contactId' | 'linked'>;

/** A new ticket's id and number, taken before its transaction. */
export type Allocated = { id: number; number: string };

export type IntakeHead = { version: number; earlier: IdempotencyRow | null; allocated: Allocated | null };

/**
 * One round trip before any work: the reference-data version (is the cached copy current?), any earlier
 * use of this Idempotency-Key, and — when asked and the key is new — the new ticket's id (from its
 * identity sequence) and its number (the day's counter, committed at once as before).
 */
export async function intakeHead(db: Db, actor: Actor, key: string | undefined, allocate: boolean, now: Date): Promise<IntakeHead> {
  const day = shanghaiDate(now);
  const rows = rowsOf<{
    version: string | number;
    request_hash: string | null;
    ticket_id: string | number | null;
    contact_id: string | number | null;
    linked: boolean | null;
    n: string | number | null;
    new_id: string | number | null;
  }>(
    // Built once per shape (db/prepared.ts): every intake runs it.
    await executePrepared(
      db,
      `intake head ${key ? 'keyed' : 'unkeyed'}`,
      () => sql`
      with e as (
        select request_hash, ticket_id, contact_id, linked from ${idempotencyKeys}
        where ${key ? sql`user_id = ${sql.placeholder('userId')} and key = ${sql.placeholder('key')}` : sql`false`}),
      n as (${countUp(sql.placeholder('day'), sql`${sql.placeholder('allocate')}::boolean and not exists (select 1 from e)`)})
      select v.version, e.request_hash, e.ticket_id, e.contact_id, e.linked, n.last as n,
        case when n.last is not null then nextval(pg_get_serial_sequence('tickets', 'id')) end as new_id
      from ${referenceVersion} v left join e on true left join n on true`,
      { userId: actor.userId, key: key ?? null, day, allocate },
    ),
  );
  const r = rows[0];
  if (!r) return { version: 0, earlier: null, allocated: null };
  return {
    version: Number(r.version),
    earlier:
      r.request_hash === null
        ? null
        : { requestHash: r.request_hash, ticketId: Number(r.ticket_id), contactId: r.contact_id === null ? null : Number(r.contact_id), linked: !!r.linked },
    allocated: r.n === null ? null : { id: Number(r.new_id), number: ticketNumber(day, Number(r.n)) },
  };
}
