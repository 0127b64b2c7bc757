import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { tickets } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { UnprocessableError } from '../errors.ts';
import { loadTicket, type TicketRow } from './queries.ts';
import type { Recorder } from './record.ts';
import type { TicketEventPayloads } from '../../contract/events.ts';

/** The open ticket a contact or another ticket is linked into (并单), locked; anything else is 422. */
export async function lockOpenTarget(tx: Db, actor: Actor, id: number): Promise<TicketRow> {
  const target = await loadTicket(tx, actor, id, { lock: true }).catch(() => null);
  if (!target || target.status === 'closed') throw new UnprocessableError('merge_target_invalid');
  return target;
}

/** Something was linked into the target: bump its version and record why, without moving its status. */
export async function recordLinkedInto<K extends 'contact_linked' | 'ticket_merged_in'>(
  tx: Db,
  record: Recorder,
  actor: Actor,
  target: TicketRow,
  now: Date,
  type: K,
  payload: TicketEventPayloads[K],
): Promise<TicketRow> {
  const [updated] = await tx
    .update(tickets)
    .set({ version: target.version + 1, updatedAt: now })
    .where(eq(tickets.id, target.id))
    .returning();
  await record(actor, { ticketId: target.id, type, fromStatus: target.status, toStatus: target.status, version: updated!.version, payload });
  return updated!;
}
