import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { ticketEvents } from '../../../db/schema/index.ts';
import type { TxDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import type { PublishedEvent } from '../events.ts';
import type { TicketEventPayloads, TicketEventType } from '../../contract/events.ts';
import type { TicketStatus } from '../../contract/vocab.ts';
import { NOTIFYING_TYPES, writeNotifications } from '../inbox/write.ts';
import { creatorOf, toPublished, unitPathsOf, type EventRow } from './audience.ts';
import { insertRows } from '../../../db/prepared.ts';

/** What an event's insert returns: its row's identity and who should hear of it. */
const EVENT_RETURNING = {
  id: ticketEvents.id,
  ticket_id: ticketEvents.ticketId,
  assignment_id: ticketEvents.assignmentId,
  version: ticketEvents.version,
  createdAt: ticketEvents.createdAt,
  created_by: creatorOf(sql`${ticketEvents.ticketId}`),
  paths: unitPathsOf(sql`${ticketEvents.ticketId}`),
};
type EventReturned = EventRow & { id: number; version: number; createdAt: Date };

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
      const [row] = await insertRows<EventReturned>(
        tx as unknown as Db,
        ticketEvents,
        [
          {
            ticketId: e.ticketId,
            assignmentId: e.assignmentId ?? null,
            type: e.type,
            actorId: actor && actor.userId > 0 ? actor.userId : null,
            actorRole: actor && actor.userId > 0 ? actor.role : null,
            actorUnitId: actor && actor.userId > 0 ? actor.unitId : null,
            fromStatus: e.fromStatus ?? null,
            toStatus: e.toStatus ?? null,
            version: e.version,
            payload: e.payload ?? {},
            public: e.public ?? false,
            ip: actor?.ip ?? null,
            requestId: actor?.requestId ?? null,
            createdAt: deps.clock.now(),
          },
        ],
        // Who should hear of it, read in the insert's own RETURNING: an event costs one round trip.
        { returning: EVENT_RETURNING, key: 'recorded event' },
      );
      pending.push(toPublished(row!, e.type, row!.createdAt.toISOString(), e.toStatus ?? null));
      // Its notification-centre rows in the same transaction (a second round trip only for the types that notify).
      if (NOTIFYING_TYPES.has(e.type)) for (const u of await writeNotifications(tx as unknown as Db, [row!.id])) notified.add(u);
    };
    return fn(tx as unknown as Db, record);
  });
  deps.bus.publish(pending);
  deps.bus.inboxChanged([...notified]);
  return result;
}
