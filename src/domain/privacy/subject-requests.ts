/**
 * A caller's requests about their own data (PIPL articles 45 and 47), made in person or in writing and verified
 * by the centre, then carried out by the security administrator — the role that holds personal-data duties
 * (keys, sessions, retention); the system and audit administrators never see callers' data in bulk.
 * - export: every ticket the number called about (as the ticket's caller or as a repeat caller), found by the
 *   number's blind index, with what the caller said and what they were told; audited as a read of personal data;
 * - erase: the caller's closed tickets anonymised at once (the retention routine, reason 'erasure'); tickets still
 *   being handled are refused and listed — the centre still needs the number to answer the caller.
 * Both carry the request's reference (the letter or form number) and how the requester was verified.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import { callbacks, categories, citizenRatings, contacts, tickets } from '../../../db/schema/index.ts';
import { normalisePhone } from '../../contract/phone.ts';
import type { TxDeps } from '../../deps.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { ValidationError } from '../errors.ts';
import { inTransaction } from '../tickets/record.ts';
import { maskPhone } from '../tickets/inputs.ts';
import { anonymiseTickets, clearContacts, maskNumbers } from './anonymise.ts';
import { phoneIndex } from './caller-index.ts';

export const subjectRequestInput = z.object({
  /** The caller's number, as they give it (normalised here; an invalid one is privacy_phone_invalid) */
  phone: z.string().trim().min(1).max(40),
  /** The request's reference: the letter, form or ticket number it came in under */
  reference: z.string().trim().min(1).max(100),
  /** How the requester was verified (ID seen, call-back to the number…) and by whom */
  note: z.string().trim().min(1).max(1000),
});
export type SubjectRequestInput = z.infer<typeof subjectRequestInput>;

/** The number as stored and its blind index; a number that is neither a mobile nor a landline is refused. */
function callerOf(raw: string) {
  const phone = normalisePhone(raw);
  if (!phone)
    throw new ValidationError(
      [{ path: 'body.phone', code: 'invalid_phone', message: '请输入有效的手机号（11位）或座机号（区号-号码）' }],
      'privacy_phone_invalid',
    );
  const index = phoneIndex(phone);
  // audited by the blind index alone, as every look-up by number: no number, whole or masked, for the audit administrator
  return { phone, index, target: { type: 'caller', id: index } };
}

/** Ids of the tickets the number called about: as the ticket's caller, or as a contact's (a repeat call). */
async function ticketsOfNumber(tx: Db, index: string) {
  const own = await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.callerPhoneIndex, index));
  const repeat = await tx.selectDistinct({ id: contacts.ticketId }).from(contacts).where(eq(contacts.callerPhoneIndex, index));
  return { own: own.map((r) => r.id), any: [...new Set([...own, ...repeat].map((r) => r.id))].sort((a, b) => a - b) };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Everything jiesu holds about the number's calls, newest ticket first. */
export async function exportSubjectData(deps: TxDeps, actor: Actor, input: SubjectRequestInput) {
  const caller = callerOf(input.phone);
  return inTransaction(deps, async (tx) => {
    const ids = await ticketsOfNumber(tx, caller.index);
    const own = new Set(ids.own);
    const rows = ids.any.length
      ? await tx
          .select({ t: tickets, category: categories.name })
          .from(tickets)
          .innerJoin(categories, eq(categories.id, tickets.categoryId))
          .where(inArray(tickets.id, ids.any))
          .orderBy(asc(tickets.createdAt))
      : [];
    const ownIds = ids.own.length ? ids.own : [0];
    const [calls, ratings, answers] = ids.any.length
      ? await Promise.all([
          tx.select().from(contacts).where(inArray(contacts.ticketId, ids.any)).orderBy(asc(contacts.id)),
          tx.select().from(citizenRatings).where(inArray(citizenRatings.ticketId, ownIds)).orderBy(asc(citizenRatings.id)),
          tx.select().from(callbacks).where(inArray(callbacks.ticketId, ownIds)).orderBy(asc(callbacks.id)),
        ])
      : [[], [], []];
    const items = rows.reverse().map(({ t, category }) => ({
      number: t.number,
      /** caller: the ticket is the number's own; repeat_caller: the number called about someone else's ticket */
      as: own.has(t.id) ? ('caller' as const) : ('repeat_caller' as const),
      status: t.status,
      channel: t.channel,
      type: t.type,
      category,
      title: t.title,
      content: own.has(t.id) ? t.content : null,
      address: t.address,
      caller: own.has(t.id) ? { name: t.callerName, phone: t.callerPhone } : null,
      createdAt: iso(t.createdAt),
      closedAt: iso(t.closedAt),
      closeReason: t.closeReason,
      publicReply: t.publicReply,
      calls: calls
        .filter((c) => c.ticketId === t.id && (c.callerPhoneIndex === caller.index || own.has(t.id)))
        .map((c) => ({ channel: c.channel, at: iso(c.createdAt), name: c.callerName, phone: c.callerPhone, content: c.content, repeat: c.isRepeat })),
      ratings: ratings.filter((r) => r.ticketId === t.id).map((r) => ({ round: r.round, level: r.level, comment: r.comment, at: iso(r.createdAt) })),
      callbacks: answers
        .filter((a) => a.ticketId === t.id)
        .map((a) => ({ round: a.round, reached: a.reached, solved: a.solved, satisfaction: a.satisfaction, comment: a.comment, at: iso(a.createdAt) })),
    }));
    await audit(tx, actor, 'read_personal_data', caller.target, {
      reference: input.reference,
      note: maskNumbers(input.note),
      via: 'subject_export',
      tickets: items.map((i) => i.number),
    });
    return { phone: caller.phone, reference: input.reference, exportedAt: deps.clock.now().toISOString(), tickets: items };
  });
}

/** Anonymises the number's closed tickets now; lists the ones still open, which are left as they are. */
export async function eraseSubjectData(deps: TxDeps, actor: Actor, input: SubjectRequestInput) {
  const caller = callerOf(input.phone);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx, record) => {
    const ids = await ticketsOfNumber(tx, caller.index);
    const found = ids.any.length
      ? await tx
          .select({ id: tickets.id, number: tickets.number, status: tickets.status })
          .from(tickets)
          .where(inArray(tickets.id, ids.any))
          .orderBy(asc(tickets.id))
      : [];
    const own = new Set(ids.own);
    const closedOwn = found.filter((t) => t.status === 'closed' && own.has(t.id));
    const done = await anonymiseTickets(
      tx,
      record,
      actor,
      closedOwn.map((t) => t.id),
      'erasure',
      now,
    );
    // Repeat calls the number made about someone else's closed ticket: only those contacts lose the number.
    const othersClosed = found.filter((t) => t.status === 'closed' && !own.has(t.id)).map((t) => t.id);
    const repeats = othersClosed.length
      ? await clearContacts(tx, and(inArray(contacts.ticketId, othersClosed), eq(contacts.callerPhoneIndex, caller.index))!)
      : [];
    for (const c of repeats) {
      const [row] = await tx.select({ content: contacts.content }).from(contacts).where(eq(contacts.id, c.id));
      const masked = maskNumbers(row!.content);
      if (masked !== row!.content) await tx.update(contacts).set({ content: masked }).where(eq(contacts.id, c.id));
    }
    const anonymised = new Set(done.ticketIds);
    const result = {
      phone: maskPhone(caller.phone),
      reference: input.reference,
      anonymised: found.filter((t) => anonymised.has(t.id)).map((t) => t.number),
      repeatCallsCleared: repeats.length,
      /** Still being handled: refused, to be asked again once closed */
      leftOpen: found.filter((t) => t.status !== 'closed').map((t) => ({ number: t.number, status: t.status })),
      counts: { tickets: done.tickets, contacts: done.contacts + repeats.length, notifications: done.notifications, textsMasked: done.textsMasked },
    };
    await audit(tx, actor, 'erase_personal_data', caller.target, {
      reference: input.reference,
      note: maskNumbers(input.note),
      anonymised: result.anonymised,
      leftOpen: result.leftOpen.map((t) => t.number),
      counts: result.counts,
    });
    return result;
  });
}
