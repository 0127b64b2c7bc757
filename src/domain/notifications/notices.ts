import { inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { units } from '../../../db/schema/index.ts';
import type { Config } from '../../config.ts';
import { MOBILE } from '../../contract/phone.ts';
import { ASSIGNMENT_ROLE_LABELS } from '../../contract/labels.ts';
import type { AssignmentRole } from '../../contract/vocab.ts';
import type { References } from '../reference.ts';
import { enqueueNotification } from './outbox.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';
import { createRatingLink } from '../ratings/rate.ts';

/**
 * The messages the ticket lifecycle sends. Each is called inside the transaction of the change that
 * causes it, so a rolled-back change queues nothing and a committed one always has its message.
 */

type TicketLike = { id: number; number: string; title: string; callerPhone: string | null };

/** The citizen's look-up link for a ticket number (the public look-up page). */
export function lookupUrl(config: Pick<Config, 'PUBLIC_BASE_URL'>, number: string): string {
  return `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/lookup?n=${encodeURIComponent(number)}`;
}

/** SMS reaches mobiles only; a landline caller gets no message (the input normalises mobiles to 11 digits). */
const smsRecipient = (phone: string | null): string | null => (phone && MOBILE.test(phone) ? phone : null);

/** Replies can be long; an SMS carries the start and the look-up link carries the rest. */
const REPLY_CHARS = 70;
function excerpt(s: string | null | undefined, max: number): string {
  const chars = [...(s ?? '').replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/** A message to the caller's mobile, if the caller gave one (none to landlines). */
async function toCaller(
  tx: Db,
  t: TicketLike,
  message: { template: 'intake_receipt' | 'reply_notice' | 'extension_notice'; params: Record<string, string> },
  now: Date,
  refs?: References,
): Promise<void> {
  const to = smsRecipient(t.callerPhone);
  if (!to) return;
  await enqueueNotification(tx, { ticketId: t.id, audience: 'citizen', recipient: to, ...message, at: now }, refs);
}

/** Intake receipt (受理回执) to the caller: the ticket number and the look-up link; the template from intake's copy of the reference data. */
export async function notifyIntakeReceipt(tx: Db, config: Pick<Config, 'PUBLIC_BASE_URL'>, t: TicketLike, now: Date, refs?: References): Promise<void> {
  await toCaller(tx, t, { template: 'intake_receipt', params: { number: t.number, lookupUrl: lookupUrl(config, t.number) } }, now, refs);
}

/** Reply notice (答复告知) to the caller once the centre has approved the lead unit's reply. */
export async function notifyReplyApproved(
  tx: Db,
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'RATING_LINK_DAYS'>,
  t: TicketLike & { callbackRound: number },
  reply: string | null,
  now: Date,
): Promise<void> {
  if (!smsRecipient(t.callerPhone)) return;
  // The one-time link to rate this round (好差评), made only when there is a message to carry it.
  const rateUrl = await createRatingLink(tx, config, t, now);
  await toCaller(
    tx,
    t,
    { template: 'reply_notice', params: { number: t.number, reply: excerpt(reply, REPLY_CHARS), lookupUrl: lookupUrl(config, t.number), rateUrl } },
    now,
  );
}

/** Extension notice (延期告知) to the caller once the centre has approved a new completion deadline (Asia/Shanghai minute). */
export async function notifyExtensionApproved(tx: Db, config: Pick<Config, 'PUBLIC_BASE_URL'>, t: TicketLike, dueAt: string, now: Date): Promise<void> {
  await toCaller(tx, t, { template: 'extension_notice', params: { number: t.number, dueAt, lookupUrl: lookupUrl(config, t.number) } }, now);
}

/**
 * New dispatch (新派单) to each assigned unit that has a notify phone. Only the number and title travel:
 * never the caller's details, so a confidential ticket leaks nothing by SMS. `refs`: the dispatching
 * command's copy of the reference data (units, templates), read instead of the tables when given.
 */
export async function notifyUnitsOfDispatch(
  tx: Db,
  t: TicketLike,
  assigned: { unitId: number; role: AssignmentRole }[],
  now: Date,
  refs?: References,
): Promise<void> {
  if (!assigned.length) return;
  const ids = assigned.map((a) => a.unitId);
  const rows = refs
    ? ids.flatMap((id) => refs.units.get(id) ?? [])
    : await tx.select({ id: units.id, name: units.name, notifyPhone: units.notifyPhone }).from(units).where(inArray(units.id, ids));
  // Sent together: postgres.js pipelines a transaction's queries (one round trip for all the units).
  await Promise.all(
    assigned.map((a) => {
      const u = rows.find((r) => r.id === a.unitId);
      const to = u?.notifyPhone?.trim();
      if (!u || !to) return null;
      return enqueueNotification(
        tx,
        {
          ticketId: t.id,
          audience: 'unit',
          unitId: u.id,
          recipient: to,
          template: 'unit_dispatch',
          // An SMS leaves the system: numbers in the title replaced (before cutting, so no half number survives).
          params: { number: t.number, title: excerpt(maskPhoneNumbers(t.title, 'redact'), 30), unitName: u.name, role: ASSIGNMENT_ROLE_LABELS[a.role] },
          at: now,
        },
        refs,
      );
    }),
  );
}
