/**
 * The caller rates a handling round (政务服务"好差评"), without an account: through the one-time link the reply
 * notice carries, or from the look-up page (ticket number + the phone's last four digits). One rating per
 * ticket and round (tickets.callback_round: a reopen starts a new round). A bad rating (不满意, 非常不满意) opens
 * a verification at the centre (verification.ts) with its own clock. Nothing personal is read or returned.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, citizenRatings, ratingInvitations, ratingVerifications, tickets } from '../../../db/schema/index.ts';
import type { Config } from '../../config.ts';
import { BAD_RATING_LEVELS, type RatingLevel, type RatingSource, type TicketStatus } from '../../contract/vocab.ts';
import type { CalendarTxDeps, Deps } from '../../deps.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { isUniqueViolation } from '../db-errors.ts';
import { ConflictError, DomainError, NotFoundError } from '../errors.ts';
import { inTransaction } from '../tickets/record.ts';
import { workingDeadline } from './deadlines.ts';

/** The statuses in which the round's handling is done and may be rated: the reply approved (callback pending or held), or closed. */
const RATEABLE: readonly TicketStatus[] = ['awaiting_callback', 'callback_disputed', 'closed'];

type RatedTicket = { id: number; status: TicketStatus; callbackRound: number };

/** The unit rated: the lead of the centre's latest dispatch (null: none, e.g. answered at intake). */
async function ratedUnit(db: Db, ticketId: number): Promise<number | null> {
  const [lead] = await db
    .select({ unitId: assignments.unitId })
    .from(assignments)
    .where(and(eq(assignments.ticketId, ticketId), eq(assignments.role, 'lead'), isNull(assignments.parentId)))
    .orderBy(desc(assignments.id))
    .limit(1);
  return lead?.unitId ?? null;
}

/** Whether the ticket's current round may be rated now, and the rating already given in it. */
export async function ratingState(db: Db, t: RatedTicket) {
  const [given] = await db
    .select({ level: citizenRatings.level, at: citizenRatings.createdAt })
    .from(citizenRatings)
    .where(and(eq(citizenRatings.ticketId, t.id), eq(citizenRatings.round, t.callbackRound)));
  const open = !given && RATEABLE.includes(t.status) && (await ratedUnit(db, t.id)) !== null;
  return { open, round: t.callbackRound, given: given ? { level: given.level, at: given.at.toISOString() } : null };
}

/** The one-time link for the round whose reply is being announced (in the announcing transaction). */
export async function createRatingLink(
  tx: Db,
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'RATING_LINK_DAYS'>,
  t: { id: number; callbackRound: number },
  now: Date,
) {
  const token = newToken('rt');
  await tx.insert(ratingInvitations).values({
    ticketId: t.id,
    round: t.callbackRound,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + config.RATING_LINK_DAYS * 86_400_000),
  });
  return `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/rate?t=${encodeURIComponent(token)}`;
}

type Invitation = typeof ratingInvitations.$inferSelect;

/** A link's invitation: an unknown token (forged, mistyped) is refused as invalid; an expired one as expired. */
async function invitationOf(db: Db, token: string, now: Date): Promise<Invitation> {
  const [inv] = await db
    .select()
    .from(ratingInvitations)
    .where(eq(ratingInvitations.tokenHash, hashToken(token)));
  if (!inv) throw new NotFoundError('rating_link_invalid');
  if (inv.expiresAt <= now) throw new DomainError('rating_link_expired', 410);
  return inv;
}

/** What the rating page shows for a link: the ticket number and status, the round, and whether it can still be rated. */
export async function ratingLinkState(deps: Pick<Deps, 'db' | 'clock'>, token: string) {
  const inv = await invitationOf(deps.db, token, deps.clock.now());
  const [t] = await deps.db
    .select({ id: tickets.id, number: tickets.number, status: tickets.status, callbackRound: tickets.callbackRound })
    .from(tickets)
    .where(eq(tickets.id, inv.ticketId));
  const state = await ratingState(deps.db, { ...t!, callbackRound: inv.round });
  const current = t!.callbackRound === inv.round;
  return {
    number: t!.number,
    status: t!.status,
    round: inv.round,
    state: state.given || inv.usedAt ? 'rated' : state.open && current ? 'open' : 'not_open',
    given: state.given,
  } as const;
}

export type RateInput = { level: RatingLevel; comment: string | null } & ({ token: string } | { number: string; last4: string });

/** Records the caller's rating of the current round (a link rates the round it was sent for, and only while current). */
export async function rateHandling(deps: CalendarTxDeps & { config: Pick<Config, 'RATING_VERIFY_WORKING_DAYS'> }, input: RateInput) {
  return inTransaction(deps, async (tx, record) => {
    const now = deps.clock.now();
    let inv: Invitation | null = null;
    let ticketId: number;
    let source: RatingSource;
    if ('token' in input) {
      inv = await invitationOf(tx, input.token, now);
      ticketId = inv.ticketId;
      source = 'sms';
    } else {
      const [found] = await tx.select({ id: tickets.id, last4: tickets.callerPhoneLast4 }).from(tickets).where(eq(tickets.number, input.number));
      // As the look-up: a wrong last4 is the same 404 as an unknown number.
      if (!found?.last4 || found.last4 !== input.last4) throw new NotFoundError('lookup_not_found');
      ticketId = found.id;
      source = 'lookup';
    }
    // The ticket's row lock: its events stay in order, and a concurrent second rating waits here.
    const [t] = await tx
      .select({ id: tickets.id, number: tickets.number, status: tickets.status, callbackRound: tickets.callbackRound, version: tickets.version })
      .from(tickets)
      .where(eq(tickets.id, ticketId))
      .for('update');
    if (inv?.usedAt) throw new ConflictError('rating_already_given');
    const round = inv?.round ?? t!.callbackRound;
    const state = await ratingState(tx, { ...t!, callbackRound: round });
    if (state.given) throw new ConflictError('rating_already_given', {}, { given: state.given });
    if (!state.open || round !== t!.callbackRound) throw new ConflictError('rating_not_open', {}, { ticketStatus: t!.status });

    const unitId = await ratedUnit(tx, t!.id);
    let rating: typeof citizenRatings.$inferSelect;
    try {
      [rating] = (await tx.transaction(async (sp) =>
        sp.insert(citizenRatings).values({ ticketId: t!.id, round, level: input.level, comment: input.comment, source, unitId, createdAt: now }).returning(),
      )) as [typeof citizenRatings.$inferSelect];
    } catch (err) {
      if (isUniqueViolation(err, 'citizen_ratings_round_uq')) throw new ConflictError('rating_already_given');
      throw err;
    }
    if (inv) await tx.update(ratingInvitations).set({ usedAt: now }).where(eq(ratingInvitations.id, inv.id));

    let verificationId: number | null = null;
    let verifyDueAt: Date | null = null;
    if (BAD_RATING_LEVELS.includes(input.level) && unitId !== null) {
      verifyDueAt = await workingDeadline(deps.calendar, tx, now, deps.config.RATING_VERIFY_WORKING_DAYS);
      const [v] = await tx
        .insert(ratingVerifications)
        .values({ ratingId: rating.id, ticketId: t!.id, unitId, verifyDueAt, createdAt: now })
        .returning({ id: ratingVerifications.id });
      verificationId = v!.id;
    }
    await record(null, {
      ticketId: t!.id,
      type: 'citizen_rated',
      fromStatus: t!.status,
      toStatus: t!.status,
      version: t!.version,
      public: true,
      payload: { ratingId: rating.id, round, level: input.level, source, unitId, verificationId, verifyDueAt: verifyDueAt?.toISOString() ?? null },
    });
    return { number: t!.number, round, level: input.level, createdAt: rating.createdAt.toISOString() };
  });
}
