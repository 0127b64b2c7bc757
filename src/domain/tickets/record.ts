import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { ticketEvents } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import type { PublishedEvent } from '../events.ts';
import { creatorOf, toPublished, unitPathsOf } from './audience.ts';

export type EventInput = {
  ticketId: number;
  assignmentId?: number | null;
  type: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  version: number;
  payload?: Record<string, unknown>;
  public?: boolean;
};

export type Recorder = (actor: Actor | null, e: EventInput) => Promise<void>;

/**
 * Runs fn in one transaction. Events recorded through `record` are inserted in that transaction
 * and published on the bus only after it commits; nothing is published for a rolled-back change.
 */
export async function inTransaction<T>(deps: Deps, fn: (tx: Db, record: Recorder) => Promise<T>): Promise<T> {
  const pending: PublishedEvent[] = [];
  const result = await deps.db.transaction(async (tx) => {
    const record: Recorder = async (actor, e) => {
      const [row] = await tx
        .insert(ticketEvents)
        .values({
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
        })
        // Who should hear of it, read in the insert's own RETURNING: an event costs one round trip.
        .returning({
          id: ticketEvents.id,
          ticket_id: ticketEvents.ticketId,
          assignment_id: ticketEvents.assignmentId,
          version: ticketEvents.version,
          createdAt: ticketEvents.createdAt,
          created_by: creatorOf(sql`${ticketEvents.ticketId}`),
          paths: unitPathsOf(sql`${ticketEvents.ticketId}`),
        });
      pending.push(toPublished(row!, e.type, row!.createdAt.toISOString(), e.toStatus ?? null));
    };
    return fn(tx as unknown as Db, record);
  });
  deps.bus.publish(pending);
  return result;
}
