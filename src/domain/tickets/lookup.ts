import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { categories, ticketEvents, tickets } from '../../../db/schema/index.ts';
import { NotFoundError } from '../errors.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';
import { ratingState } from '../ratings/rate.ts';

/**
 * The citizen look-up: a ticket number plus the last four digits of the caller's phone. Returns the
 * public side only — status, category name, times, public events (type and status, never their payload,
 * except an approved extension's new deadline) and the approved public reply. No caller data, no unit notes. A wrong last4 is the same 404 as an
 * unknown number, so the endpoint cannot be used to learn which numbers exist.
 */
export async function publicLookup(db: Db, number: string, last4: string) {
  const [t] = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      status: tickets.status,
      channel: tickets.channel,
      last4: tickets.callerPhoneLast4,
      closeReason: tickets.closeReason,
      publicReply: tickets.publicReply,
      createdAt: tickets.createdAt,
      closedAt: tickets.closedAt,
      callbackRound: tickets.callbackRound,
      categoryName: categories.name,
      categoryPublic: categories.public,
    })
    .from(tickets)
    .innerJoin(categories, eq(categories.id, tickets.categoryId))
    .where(eq(tickets.number, number));
  if (!t?.last4 || t.last4 !== last4) throw new NotFoundError('lookup_not_found');
  const events = await db
    .select({
      type: ticketEvents.type,
      toStatus: ticketEvents.toStatus,
      at: ticketEvents.createdAt,
      // The one payload field written for the citizen: an approved extension's new deadline.
      dueAt: sql<string | null>`case when ${ticketEvents.type} = 'approve_extension' then ${ticketEvents.payload}->>'newDueAt' end`,
    })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, t.id), eq(ticketEvents.public, true)))
    .orderBy(asc(ticketEvents.id));
  return {
    number: t.number,
    status: t.status,
    channel: t.channel,
    // A category that is not public (e.g. 廉政问题线索) is itself sensitive: its name is not shown.
    category: t.categoryPublic ? t.categoryName : null,
    closeReason: t.closeReason,
    createdAt: t.createdAt.toISOString(),
    closedAt: t.closedAt ? t.closedAt.toISOString() : null,
    // Whoever knows a ticket number and four digits is not necessarily the caller: numbers in the reply masked.
    publicReply: t.publicReply === null ? null : maskPhoneNumbers(t.publicReply, 'partial'),
    events: events.map((e) => ({ type: e.type, status: e.toStatus, at: e.at.toISOString(), ...(e.dueAt ? { dueAt: new Date(e.dueAt).toISOString() } : {}) })),
    // 好差评: whether the caller may rate this round now (from this page), and the rating already given.
    rating: await ratingState(db, { id: t.id, status: t.status, callbackRound: t.callbackRound }),
  };
}
