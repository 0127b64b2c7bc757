/**
 * 差评核实: what happens to a bad rating. The centre verifies it within its clock (verifyDueAt); meanwhile the
 * unit rated may appeal once, with evidence (the ticket's attachments); a supervisor confirms it (the unit then
 * rectifies and answers the caller by rectifyDueAt, counted from the confirmation) or dismisses it (不予认定:
 * it leaves 好评率 and 差评率). Each step locks the ticket first (its events stay in order, as the metrics
 * rollup needs), then the verification, and writes its ticket event in the same transaction.
 *
 *   verifying ──appeal──▶ appealed
 *   verifying | appealed ──confirm──▶ confirmed ──rectify──▶ rectified
 *   verifying | appealed ──dismiss──▶ dismissed
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { attachments, ratingVerifications, tickets } from '../../../db/schema/index.ts';
import type { Config } from '../../config.ts';
import type { TicketEventPayloads } from '../../contract/events.ts';
import { VERIFICATION_STATUS_LABELS } from '../../contract/labels.ts';
import { MOBILE } from '../../contract/phone.ts';
import type { VerificationStatus } from '../../contract/vocab.ts';
import type { CalendarTxDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import { enqueueNotification } from '../notifications/outbox.ts';
import { inTransaction, type Recorder } from '../tickets/record.ts';
import { workingDeadline } from './deadlines.ts';
import { mayRead, unitPathOf } from './queries.ts';

type Verification = typeof ratingVerifications.$inferSelect;
type Step = 'verification_appealed' | 'verification_confirmed' | 'verification_dismissed' | 'verification_rectified';

/** Who may take each step: the rated unit's leader appeals; a supervisor decides; the unit's leader or handler rectifies. */
export function mayStep(actor: Pick<Actor, 'role' | 'unitId'>, step: 'appeal' | 'decide' | 'rectify', unitId: number): boolean {
  if (step === 'decide') return actor.role === 'supervisor';
  if (step === 'appeal') return actor.role === 'unit_leader' && actor.unitId === unitId;
  return (actor.role === 'unit_leader' || actor.role === 'unit_handler') && actor.unitId === unitId;
}

/** Loads and locks (ticket first, then the verification), checks the actor and the state, and runs the step. */
async function step<T>(
  deps: CalendarTxDeps,
  actor: Actor,
  id: number,
  kind: 'appeal' | 'decide' | 'rectify',
  from: readonly VerificationStatus[],
  fn: (tx: Db, v: Verification, t: { id: number; status: (typeof tickets.$inferSelect)['status']; version: number }, record: Recorder) => Promise<T>,
): Promise<T> {
  return inTransaction(deps, async (tx, record) => {
    const [ref] = await tx.select({ ticketId: ratingVerifications.ticketId }).from(ratingVerifications).where(eq(ratingVerifications.id, id));
    if (!ref) throw new NotFoundError('verification_not_found');
    const [t] = await tx
      .select({ id: tickets.id, status: tickets.status, version: tickets.version })
      .from(tickets)
      .where(eq(tickets.id, ref.ticketId))
      .for('update');
    const [v] = await tx.select().from(ratingVerifications).where(eq(ratingVerifications.id, id)).for('update');
    // Whoever may not read it does not learn it exists; a reader without the right to this step is refused.
    if (!mayStep(actor, kind, v!.unitId)) {
      if (!mayRead(actor, await unitPathOf(tx, v!.unitId))) throw new NotFoundError('verification_not_found');
      throw new ForbiddenError();
    }
    if (!from.includes(v!.status))
      throw new ConflictError('verification_wrong_status', { status: VERIFICATION_STATUS_LABELS[v!.status] }, { currentStatus: v!.status });
    return fn(tx, v!, t!, record);
  });
}

async function event<K extends Step>(
  record: Recorder,
  actor: Actor,
  v: Verification,
  t: { id: number; status: never | string; version: number },
  type: K,
  extra: Omit<TicketEventPayloads[K], 'verificationId' | 'ratingId' | 'unitId'>,
) {
  await record(actor, {
    ticketId: t.id,
    type,
    fromStatus: t.status as never,
    toStatus: t.status as never,
    version: t.version,
    payload: { verificationId: v.id, ratingId: v.ratingId, unitId: v.unitId, ...extra } as TicketEventPayloads[K],
  });
}

export async function appealVerification(deps: CalendarTxDeps, actor: Actor, id: number, input: { reason: string; attachmentIds?: number[] }) {
  return step(deps, actor, id, 'appeal', ['verifying'], async (tx, v, t, record) => {
    const attachmentIds = [...new Set(input.attachmentIds ?? [])];
    if (attachmentIds.length) {
      const found = await tx
        .select({ id: attachments.id })
        .from(attachments)
        .where(and(inArray(attachments.id, attachmentIds), eq(attachments.ticketId, t.id)));
      const missing = attachmentIds.filter((a) => !found.some((f) => f.id === a));
      if (missing.length) throw new UnprocessableError('appeal_attachment_unknown', { attachmentId: missing[0] }, { attachmentIds: missing });
    }
    const now = deps.clock.now();
    const [row] = await tx
      .update(ratingVerifications)
      .set({ status: 'appealed', appealReason: input.reason, appealAttachmentIds: attachmentIds, appealedBy: actor.userId, appealedAt: now })
      .where(eq(ratingVerifications.id, id))
      .returning();
    await event(record, actor, v, t, 'verification_appealed', { reason: input.reason, attachmentIds });
    return row!;
  });
}

export async function decideVerification(
  deps: CalendarTxDeps & { config: Pick<Config, 'RATING_RECTIFY_WORKING_DAYS'> },
  actor: Actor,
  id: number,
  input: { confirm: boolean; note: string },
) {
  return step(deps, actor, id, 'decide', ['verifying', 'appealed'], async (tx, v, t, record) => {
    const now = deps.clock.now();
    const rectifyDueAt = input.confirm ? await workingDeadline(deps.calendar, tx, now, deps.config.RATING_RECTIFY_WORKING_DAYS) : null;
    const [row] = await tx
      .update(ratingVerifications)
      .set({
        status: input.confirm ? 'confirmed' : 'dismissed',
        decisionNote: input.note,
        decidedBy: actor.userId,
        decidedAt: now,
        rectifyDueAt,
        // The verification clock has stopped; the rectification clock starts fresh.
        warningLevel: 'none',
      })
      .where(eq(ratingVerifications.id, id))
      .returning();
    if (input.confirm) await event(record, actor, v, t, 'verification_confirmed', { note: input.note, rectifyDueAt: rectifyDueAt?.toISOString() ?? null });
    else await event(record, actor, v, t, 'verification_dismissed', { note: input.note });
    return row!;
  });
}

/** The unit's rectification and its answer to the caller: the answer goes to the caller's mobile by SMS. */
export async function rectifyVerification(deps: CalendarTxDeps, actor: Actor, id: number, input: { text: string; answer: string }) {
  return step(deps, actor, id, 'rectify', ['confirmed'], async (tx, v, t, record) => {
    const now = deps.clock.now();
    const onTime = v.rectifyDueAt === null || now <= v.rectifyDueAt;
    const [row] = await tx
      .update(ratingVerifications)
      .set({ status: 'rectified', rectification: input.text, answer: input.answer, rectifiedBy: actor.userId, rectifiedAt: now, warningLevel: 'none' })
      .where(eq(ratingVerifications.id, id))
      .returning();
    await event(record, actor, v, t, 'verification_rectified', {
      text: input.text,
      answer: input.answer,
      dueAt: v.rectifyDueAt?.toISOString() ?? null,
      onTime,
    });
    await answerCaller(tx, t.id, input.answer, now);
    return row!;
  });
}

/** The rectification's answer to the caller (件件有回应), to a mobile number only, as every citizen message. */
async function answerCaller(tx: Db, ticketId: number, answer: string, now: Date) {
  const [c] = await tx.select({ number: tickets.number, phone: tickets.callerPhone }).from(tickets).where(eq(tickets.id, ticketId));
  if (!c?.phone || !MOBILE.test(c.phone)) return;
  await enqueueNotification(tx, {
    ticketId,
    audience: 'citizen',
    recipient: c.phone,
    template: 'rating_answer',
    params: { number: c.number, answer: [...answer].slice(0, 120).join('') },
    at: now,
  });
}
