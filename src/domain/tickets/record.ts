import { sql } from 'drizzle-orm';
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
          ip: actor?.ip ?? null,
          requestId: actor?.requestId ?? null,
          createdAt: deps.clock.now(),
        })
        // Who should hear of it: every unit on the path of an assigned unit (a district hears of its streets),
        // and the creator — read in the insert's own RETURNING, so an event costs one round trip. The paths
        // come back concatenated ("/1/4//1/5/"): every path starts and ends with '/'.
        .returning({
          id: ticketEvents.id,
          createdAt: ticketEvents.createdAt,
          createdBy: sql<number | null>`(select t.created_by from ${tickets} t where t.id = ${e.ticketId})`,
          paths: sql<string | null>`(select string_agg(u.path, '') from ${assignments} a join ${units} u on u.id = a.unit_id where a.ticket_id = ${e.ticketId})`,
        });
      pending.push({
        id: row!.id,
        type: e.type,
        ticketId: e.ticketId,
        assignmentId: e.assignmentId ?? null,
        version: e.version,
        toStatus: e.toStatus ?? null,
        unitIds: [...new Set((row!.paths ?? '').split('/').filter(Boolean).map(Number))],
        createdBy: row!.createdBy === null ? null : Number(row!.createdBy),
        createdAt: row!.createdAt.toISOString(),
      });
    };
    return fn(tx as unknown as Db, record);
  });
  deps.bus.publish(pending);
  return result;
}
