/**
 * Removing a caller's personal data from closed tickets (PIPL): the one routine behind the retention job and an
 * erasure request. What goes: the caller's name and number (the encrypted columns, both blind indexes and the
 * last four digits) on the ticket and its contacts, the number citizen SMS were sent to, and every phone number
 * typed into the ticket's texts (replaced by a mask). What stays: the ticket, its category, street, address and
 * texts otherwise, its events, clocks and ratings — so the figures (metric rollups, reports) do not move.
 * Each ticket gets one `caller_data_anonymised` event. The caller runs it in its own transaction.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { contacts, notifications, tickets } from '../../../db/schema/index.ts';
import type { AnonymiseReason } from '../../contract/events.ts';
import type { Actor } from '../auth/actor.ts';
import type { Recorder } from '../tickets/record.ts';
import { rowsOf } from '../tickets/queries.ts';
import { ticketTerms } from '../tickets/search-terms.ts';
import { maskPhoneNumbers, maskPhoneNumbersDeep } from './phone-numbers.ts';

export type AnonymiseCounts = { tickets: number; contacts: number; notifications: number; textsMasked: number };

/** What an SMS recipient becomes (the column is NOT NULL; the encrypted column type encrypts it like any value). */
export const ANONYMISED_RECIPIENT = '';

/** A number typed into a text, replaced whole ('****'): nothing of it is left to recognise. */
export const maskNumbers = (s: string) => maskPhoneNumbers(s, 'redact');

/** Cheap pre-filter in SQL: a phone number has at least three digits in a row (ASCII or full-width). */
const DIGITS = '[0-9\uff10-\uff19]{3}';

/** Free-text columns of the rows hanging off a ticket that may carry a number someone typed. */
const CHILD_TEXTS: { table: string; cols: string[] }[] = [
  { table: 'contacts', cols: ['content'] },
  { table: 'assignments', cols: ['reply_content', 'hand_down_note'] },
  { table: 'assignment_requests', cols: ['reason', 'decision_note'] },
  { table: 'callbacks', cols: ['comment'] },
  { table: 'citizen_ratings', cols: ['comment'] },
  { table: 'rating_verifications', cols: ['appeal_reason', 'decision_note', 'rectification', 'answer'] },
  { table: 'notifications', cols: ['body'] },
];

const idArray = (ids: number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;

/** Masks the numbers in one table's text columns for the given tickets; returns how many rows changed. */
async function maskChildTexts(tx: Db, table: string, cols: string[], ticketIds: number[]): Promise<number> {
  const ident = sql.identifier;
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(
      sql`select id, ${sql.join(
        cols.map((c) => ident(c)),
        sql`, `,
      )} from ${ident(table)} where ticket_id = any(${idArray(ticketIds)}) and (${sql.join(
        cols.map((c) => sql`${ident(c)} ~ ${DIGITS}`),
        sql` or `,
      )})`,
    ),
  );
  let changed = 0;
  for (const r of rows) {
    const set = cols.flatMap((c) => {
      const v = r[c];
      if (typeof v !== 'string') return [];
      const m = maskNumbers(v);
      return m === v ? [] : [sql`${ident(c)} = ${m}`];
    });
    if (!set.length) continue;
    await tx.execute(sql`update ${ident(table)} set ${sql.join(set, sql`, `)} where id = ${Number(r.id)}`);
    changed++;
  }
  return changed;
}

/** Masks the numbers in the string fields of the tickets' event payloads (notes, summaries, replies, reasons…). */
async function maskEventPayloads(tx: Db, ticketIds: number[]): Promise<number> {
  const rows = rowsOf<{ id: unknown; payload: unknown }>(
    await tx.execute(sql`select id, payload from ticket_events where ticket_id = any(${idArray(ticketIds)}) and payload::text ~ ${DIGITS}`),
  );
  let changed = 0;
  for (const r of rows) {
    const payload = typeof r.payload === 'string' ? (JSON.parse(r.payload) as unknown) : r.payload;
    const masked = maskPhoneNumbersDeep(payload, 'redact');
    if (JSON.stringify(masked) === JSON.stringify(payload)) continue;
    await tx.execute(sql`update ticket_events set payload = ${JSON.stringify(masked)}::jsonb where id = ${Number(r.id)}`);
    changed++;
  }
  return changed;
}

/**
 * Anonymises the given tickets — only those closed and not yet anonymised (rows locked; the others are left and
 * not counted) — in the caller's transaction, recording one event each.
 */
export async function anonymiseTickets(
  tx: Db,
  record: Recorder,
  actor: Actor | null,
  ticketIds: number[],
  reason: AnonymiseReason,
  now: Date,
): Promise<AnonymiseCounts & { ticketIds: number[] }> {
  const counts = { tickets: 0, contacts: 0, notifications: 0, textsMasked: 0 };
  if (!ticketIds.length) return { ...counts, ticketIds: [] };
  const rows = await tx
    .select({
      id: tickets.id,
      title: tickets.title,
      content: tickets.content,
      address: tickets.address,
      publicReply: tickets.publicReply,
      closeNote: tickets.closeNote,
    })
    .from(tickets)
    .where(and(inArray(tickets.id, ticketIds), eq(tickets.status, 'closed'), sql`${tickets.callerAnonymisedAt} is null`))
    .orderBy(tickets.id)
    .for('update');
  if (!rows.length) return { ...counts, ticketIds: [] };
  const ids = rows.map((r) => r.id);

  const versions = new Map<number, number>();
  for (const t of rows) {
    const texts = {
      title: maskNumbers(t.title),
      content: maskNumbers(t.content),
      address: t.address === null ? null : maskNumbers(t.address),
      publicReply: t.publicReply === null ? null : maskNumbers(t.publicReply),
      closeNote: t.closeNote === null ? null : maskNumbers(t.closeNote),
    };
    const textChanged = Object.entries(texts).some(([k, v]) => v !== t[k as keyof typeof texts]);
    if (textChanged) counts.textsMasked++;
    const [u] = await tx
      .update(tickets)
      .set({
        callerName: null,
        callerPhone: null,
        callerPhoneIndex: null,
        callerNameIndex: null,
        callerPhoneLast4: null,
        callerAnonymisedAt: now,
        version: sql`${tickets.version} + 1`,
        // the search terms hold every run of digits of the texts: rebuilt from the masked ones
        ...(textChanged ? { ...texts, searchTerms: ticketTerms(texts.title, texts.content, texts.address) } : {}),
      })
      .where(eq(tickets.id, t.id))
      .returning({ version: tickets.version });
    versions.set(t.id, u!.version);
  }

  const perTicket = new Map<number, { contacts: number; notifications: number }>(ids.map((id) => [id, { contacts: 0, notifications: 0 }]));
  const cleared = await clearContacts(tx, inArray(contacts.ticketId, ids));
  for (const c of cleared) perTicket.get(c.ticketId)!.contacts++;
  counts.contacts = cleared.length;

  // A message still waiting would go to no one: it fails instead of being sent to the marker.
  await tx
    .update(notifications)
    .set({ status: 'failed', lastError: 'caller data anonymised' })
    .where(and(inArray(notifications.ticketId, ids), eq(notifications.audience, 'citizen'), eq(notifications.status, 'pending')));
  const sms = await tx
    .update(notifications)
    .set({ recipient: ANONYMISED_RECIPIENT })
    .where(and(inArray(notifications.ticketId, ids), eq(notifications.audience, 'citizen')))
    .returning({ ticketId: notifications.ticketId });
  for (const n of sms) perTicket.get(n.ticketId!)!.notifications++;
  counts.notifications = sms.length;

  for (const { table, cols } of CHILD_TEXTS) counts.textsMasked += await maskChildTexts(tx, table, cols, ids);
  counts.textsMasked += await maskEventPayloads(tx, ids);

  for (const id of ids) {
    const n = perTicket.get(id)!;
    await record(actor, {
      ticketId: id,
      type: 'caller_data_anonymised',
      fromStatus: 'closed',
      toStatus: 'closed',
      version: versions.get(id)!,
      payload: { reason, contacts: n.contacts, notifications: n.notifications },
    });
  }
  counts.tickets = ids.length;
  return { ...counts, ticketIds: ids };
}

/** Clears the caller's name and number on the contacts matched (masking their texts is the ticket's pass). */
export async function clearContacts(tx: Db, where: SQL) {
  return tx
    .update(contacts)
    .set({ callerName: null, callerPhone: null, callerPhoneIndex: null })
    .where(and(where, sql`(${contacts.callerName} is not null or ${contacts.callerPhone} is not null or ${contacts.callerPhoneIndex} is not null)`))
    .returning({ id: contacts.id, ticketId: contacts.ticketId });
}
