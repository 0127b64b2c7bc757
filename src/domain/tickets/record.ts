import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, ticketEvents, tickets, units } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import type { PublishedEvent } from '../events.ts';

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
          createdAt: deps.clock.now(),
        })
        .returning({ id: ticketEvents.id, createdAt: ticketEvents.createdAt });
      // Who should hear of it: every unit on the path of an assigned unit (a district hears of its streets),
      // and the creator — one query: the ticket left-joined to its assignments' units.
      const audience = await tx
        .select({ createdBy: tickets.createdBy, path: units.path })
        .from(tickets)
        .leftJoin(assignments, eq(assignments.ticketId, tickets.id))
        .leftJoin(units, eq(units.id, assignments.unitId))
        .where(eq(tickets.id, e.ticketId));
      pending.push({
        id: row!.id,
        type: e.type,
        ticketId: e.ticketId,
        assignmentId: e.assignmentId ?? null,
        version: e.version,
        toStatus: e.toStatus ?? null,
        unitIds: [...new Set(audience.flatMap((r) => (r.path ?? '').split('/').filter(Boolean).map(Number)))],
        createdBy: audience[0]?.createdBy ?? null,
        createdAt: row!.createdAt.toISOString(),
      });
    };
    return fn(tx as unknown as Db, record);
  });
  deps.bus.publish(pending);
  return result;
}
