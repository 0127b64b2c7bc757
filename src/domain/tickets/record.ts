import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { TxDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import type { PublishedEvent } from '../events.ts';
import type { TicketEventPayloads, TicketEventType } from '../../contract/events.ts';
import type { TicketStatus } from '../../contract/vocab.ts';
import { NOTIFYING_TYPES, writeNotifications } from '../inbox/write.ts';
import { recordEvents, toPublished, type EventRow } from './audience.ts';
import { executePrepared } from '../../../db/prepared.ts';
import { rowsOf } from './queries.ts';

/**
 * One event's statement, built once: every column a parameter, typed by its column (`values (…)`); who should hear
 * of it is read in the same statement, so an event costs one round trip.
 */
const RECORD_ONE = () => {
  const p = (name: string) => sql.placeholder(name);
  return recordEvents({
    ticket_id: sql`${p('ticket')}`,
    assignment_id: sql`${p('assignment')}`,
    type: sql`${p('type')}`,
    actor_id: sql`${p('actor')}`,
    actor_role: sql`${p('role')}`,
    actor_unit_id: sql`${p('unit')}`,
    from_status: sql`${p('from')}`,
    to_status: sql`${p('to')}`,
    version: sql`${p('version')}`,
    payload: sql`${p('payload')}`,
    public: sql`${p('public')}`,
    ip: sql`${p('ip')}`,
    request_id: sql`${p('request')}`,
    created_at: sql`${p('at')}`,
  });
};

/**
 * One ticket event to record: its type decides its payload (src/contract/events.ts). With a union of types (an
 * approve-or-reject action), the payload is one of theirs.
 */
export type EventInput<K extends TicketEventType = TicketEventType> = {
  ticketId: number;
  assignmentId?: number | null;
  type: K;
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  version: number;
  payload: TicketEventPayloads[K];
  public?: boolean;
};

export type Recorder = <K extends TicketEventType>(actor: Actor | null, e: EventInput<K>) => Promise<void>;

/**
 * Runs fn in one transaction. Events recorded through `record` are inserted in that transaction
 * and published on the bus only after it commits; nothing is published for a rolled-back change.
 */
export async function inTransaction<T>(deps: TxDeps, fn: (tx: Db, record: Recorder) => Promise<T>): Promise<T> {
  const pending: PublishedEvent[] = [];
  const notified = new Set<number>();
  const result = await deps.db.transaction(async (tx) => {
    const record: Recorder = async (actor, e) => {
      const system = !actor || actor.userId <= 0;
      const createdAt = deps.clock.now().toISOString();
      const [row] = rowsOf<EventRow>(
        await executePrepared(tx as unknown as Db, 'record event', RECORD_ONE, {
          ticket: e.ticketId,
          assignment: e.assignmentId ?? null,
          type: e.type,
          actor: system ? null : actor.userId,
          role: system ? null : actor.role,
          unit: system ? null : actor.unitId,
          from: e.fromStatus ?? null,
          to: e.toStatus ?? null,
          version: e.version,
          payload: JSON.stringify(e.payload ?? {}),
          public: e.public ?? false,
          ip: actor?.ip ?? null,
          request: actor?.requestId ?? null,
          at: createdAt,
        }),
      );
      pending.push(toPublished(row!, e.type, createdAt, e.toStatus ?? null));
      // Its notification-centre rows in the same transaction (a second round trip only for the types that notify).
      if (NOTIFYING_TYPES.has(e.type)) for (const u of await writeNotifications(tx as unknown as Db, [Number(row!.id)])) notified.add(u);
    };
    return fn(tx as unknown as Db, record);
  });
  deps.bus.publish(pending);
  deps.bus.inboxChanged([...notified]);
  return result;
}
