import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { ticketEvents, units, users } from '../../../db/schema/index.ts';
import { isCentre, type Actor } from '../auth/actor.ts';
import { maskPhoneNumbersDeep } from '../privacy/phone-numbers.ts';
import { textMask } from './policy.ts';
import type { TicketRow } from './queries.ts';

/**
 * A ticket's history as this actor may read it, oldest first: who did each thing (name, role, unit as they
 * were recorded on the event — the role and unit at the time, the name as the user is called now), when,
 * from → to, and the payload with phone numbers masked as the ticket's detail shows them. Portals (intake
 * clients) get the public events only, and no staff names.
 */
export async function presentTicketEvents(db: Db, actor: Actor, t: TicketRow) {
  const rows = await db
    .select({ e: ticketEvents, actorName: users.displayName, unitName: units.name })
    .from(ticketEvents)
    .leftJoin(users, eq(users.id, ticketEvents.actorId))
    .leftJoin(units, eq(units.id, ticketEvents.actorUnitId))
    .where(eq(ticketEvents.ticketId, t.id))
    .orderBy(asc(ticketEvents.id));
  const internal = isCentre(actor) || actor.role === 'unit_handler' || actor.role === 'unit_leader';
  const mask = textMask(actor, t, 'detail');
  return rows
    .filter(({ e }) => internal || e.public)
    .map(({ e, actorName, unitName }) => ({
      id: e.id,
      type: e.type,
      actor: e.actorId
        ? {
            id: e.actorId,
            role: e.actorRole,
            unitId: e.actorUnitId,
            name: internal ? actorName : null,
            unit: e.actorUnitId && unitName ? { id: e.actorUnitId, name: unitName } : null,
          }
        : null,
      from: e.fromStatus,
      to: e.toStatus,
      version: e.version,
      assignmentId: e.assignmentId,
      payload: maskPhoneNumbersDeep(e.payload, mask),
      public: e.public,
      at: e.createdAt.toISOString(),
      // from which address (audit): admins only
      ...(actor.role === 'admin' ? { ip: e.ip, requestId: e.requestId } : {}),
    }));
}
