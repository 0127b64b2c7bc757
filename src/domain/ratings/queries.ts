/**
 * Reading verifications (差评核实): the centre sees all; a unit sees those of its own unit and its subtree. The
 * rating's comment is the caller's own words, shown as the caller wrote it, with phone numbers in it masked.
 */
import { and, desc, eq, like, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { citizenRatings, ratingVerifications, tickets, units } from '../../../db/schema/index.ts';
import type { VerificationStatus } from '../../contract/vocab.ts';
import { isCentre, type Actor } from '../auth/actor.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';

/** Whether the actor may read verifications of a unit at this path. */
export const mayRead = (actor: Actor, unitPath: string) => isCentre(actor) || unitPath.startsWith(actor.unitPath);

function scope(actor: Actor): SQL | undefined {
  return isCentre(actor) ? undefined : or(eq(units.id, actor.unitId), like(units.path, `${actor.unitPath}%`));
}

export type VerificationView = Awaited<ReturnType<typeof listVerifications>>['items'][number];

export async function listVerifications(db: Db, actor: Actor, q: { status?: VerificationStatus; ticketId?: number; before?: number; limit: number }) {
  const rows = await db
    .select({
      v: ratingVerifications,
      number: tickets.number,
      unitName: units.name,
      unitPath: units.path,
      level: citizenRatings.level,
      comment: citizenRatings.comment,
    })
    .from(ratingVerifications)
    .innerJoin(citizenRatings, eq(citizenRatings.id, ratingVerifications.ratingId))
    .innerJoin(tickets, eq(tickets.id, ratingVerifications.ticketId))
    .innerJoin(units, eq(units.id, ratingVerifications.unitId))
    .where(
      and(
        scope(actor),
        q.status ? eq(ratingVerifications.status, q.status) : undefined,
        q.ticketId ? eq(ratingVerifications.ticketId, q.ticketId) : undefined,
        q.before ? lt(ratingVerifications.id, q.before) : undefined,
      ),
    )
    .orderBy(desc(ratingVerifications.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit).map(({ v, ...r }) => ({
    id: v.id,
    ticketId: v.ticketId,
    number: r.number,
    unitId: v.unitId,
    unitName: r.unitName,
    level: r.level,
    comment: r.comment === null ? null : maskPhoneNumbers(r.comment, 'partial'),
    status: v.status,
    verifyDueAt: v.verifyDueAt?.toISOString() ?? null,
    rectifyDueAt: v.rectifyDueAt?.toISOString() ?? null,
    warningLevel: v.warningLevel,
    appeal: v.appealedAt ? { reason: v.appealReason ?? '', attachmentIds: v.appealAttachmentIds ?? [], at: v.appealedAt.toISOString() } : null,
    decision: v.decidedAt ? { confirmed: v.status !== 'dismissed', note: v.decisionNote ?? '', at: v.decidedAt.toISOString() } : null,
    rectification: v.rectifiedAt
      ? {
          text: v.rectification ?? '',
          answer: v.answer ?? '',
          at: v.rectifiedAt.toISOString(),
          onTime: v.rectifyDueAt === null || v.rectifiedAt <= v.rectifyDueAt,
        }
      : null,
    createdAt: v.createdAt.toISOString(),
  }));
  return { items, next: rows.length > q.limit ? items.at(-1)!.id : null };
}

/** One verification as listed, or null when it does not exist or the actor may not read it. */
export async function getVerification(db: Db, actor: Actor, id: number): Promise<VerificationView | null> {
  const [v] = await db.select({ id: ratingVerifications.id }).from(ratingVerifications).where(eq(ratingVerifications.id, id));
  if (!v) return null;
  const { items } = await listVerifications(db, actor, { before: id + 1, limit: 1 });
  return items[0]?.id === id ? items[0] : null;
}

/** The path of a unit (for the commands' read check). */
export async function unitPathOf(db: Db, unitId: number): Promise<string> {
  const [u] = await db.select({ path: units.path }).from(units).where(eq(units.id, unitId));
  return u?.path ?? '';
}
