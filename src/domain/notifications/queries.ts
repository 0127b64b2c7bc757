import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { notifications, tickets } from '../../../db/schema/index.ts';
import { maskPhone } from '../tickets/inputs.ts';

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export const AUDIENCES = ['citizen', 'unit'] as const;

/** A rating link's one-time token (rate.ts) in a message body: only the caller may use it, so admins never read it. */
const RATING_TOKEN = /(\/rate\?t=)[^\s&]+/g;
export const redactRatingLinks = (body: string) => body.replace(RATING_TOKEN, '$1***');

/**
 * The outbox for admins, newest first (keyset: ?before=id). A citizen's number is masked, as in every
 * list: the body is what admins come for, and a full number read belongs on an audited detail view. A rating
 * link's token is hidden: with it an admin could rate in the caller's place.
 */
export async function listNotifications(
  db: Db,
  f: { status?: (typeof NOTIFICATION_STATUSES)[number]; audience?: (typeof AUDIENCES)[number]; ticketId?: number; before?: number; limit: number },
) {
  const where: SQL[] = [];
  if (f.status) where.push(eq(notifications.status, f.status));
  if (f.audience) where.push(eq(notifications.audience, f.audience));
  if (f.ticketId) where.push(eq(notifications.ticketId, f.ticketId));
  if (f.before) where.push(lt(notifications.id, f.before));
  const rows = await db
    .select({ n: notifications, number: tickets.number })
    .from(notifications)
    .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(notifications.id))
    .limit(f.limit);
  return rows.map(({ n, number }) => ({
    id: n.id,
    ticketId: n.ticketId,
    ticketNumber: number,
    audience: n.audience,
    unitId: n.unitId,
    recipient: n.audience === 'citizen' ? maskPhone(n.recipient) : n.recipient,
    template: n.template,
    body: redactRatingLinks(n.body),
    status: n.status,
    attempts: n.attempts,
    nextAttemptAt: n.status === 'pending' ? n.nextAttemptAt.toISOString() : null,
    lastError: n.lastError,
    createdAt: n.createdAt.toISOString(),
    sentAt: n.sentAt?.toISOString() ?? null,
  }));
}
