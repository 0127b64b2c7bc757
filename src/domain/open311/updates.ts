import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { ticketEvents, tickets, units } from '../../../db/schema/index.ts';
import { storedEvent } from '../events.ts';
import { namedUnitId, updateText } from './public-text.ts';
import { MAX_ROWS, publicTickets } from './requests.ts';

/** One public event of a public ticket, its text fit for the public (public-text.ts). */
export type PublicUpdate = { id: number; number: string; closed: boolean; at: Date; description: string };

/**
 * mySociety's servicerequestupdates: the public events of public tickets between two instants, oldest
 * first, so a client that polls can resume from the last updated_datetime it saw.
 */
export async function findUpdates(db: Db, f: { from: Date; to: Date }): Promise<PublicUpdate[]> {
  const rows = await db
    .select({ e: ticketEvents, t: tickets })
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .where(and(eq(ticketEvents.public, true), gte(ticketEvents.createdAt, f.from), lte(ticketEvents.createdAt, f.to), publicTickets))
    .orderBy(asc(ticketEvents.createdAt), asc(ticketEvents.id))
    .limit(MAX_ROWS);

  const events = rows.map(({ e, t }) => ({ e: storedEvent(e), t }));
  const unitIds = new Set(events.map(({ e }) => namedUnitId(e)).filter((id) => id !== null));
  const names = new Map(
    unitIds.size
      ? (
          await db
            .select({ id: units.id, name: units.name })
            .from(units)
            .where(inArray(units.id, [...unitIds]))
        ).map((u) => [u.id, u.name])
      : [],
  );
  const unit = (id: number) => names.get(id) ?? null;

  return events.map(({ e, t }) => ({
    id: e.id,
    number: t.number,
    closed: (e.toStatus ?? t.status) === 'closed',
    at: e.createdAt,
    description: updateText(e, t, { unit }),
  }));
}
