/**
 * The units suggested for a ticket where its lead unit is chosen: intake has no unit field, so the units the model
 * suggested while the operator took the demand travel with the recorded suggestion (assist_suggestions, linked to the
 * ticket in intake's transaction, choices.ts) to the dispatch desk, which shows them with one key each (Alt+1/2/3)
 * beside the catalogue's suggestions. Taking one only fills the form; the dispatch records the unit it went to on the
 * same row (choices.ts's recordDispatchedUnit), so live accuracy (accuracy.ts) sets it beside the ranks shown.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistSuggestions, units } from '../../../db/schema/index.ts';
import type { AssistChoice, AssistSuggestion } from '../../contract/assist.ts';
import type { Actor } from '../auth/actor.ts';
import { loadTicket } from '../tickets/queries.ts';
import { assistSettings } from './settings.ts';

export type DispatchSuggestion = Pick<AssistSuggestion, 'id' | 'units'>;

const NONE: DispatchSuggestion = { id: null, units: [] };

/**
 * The units recorded with the ticket's suggestion, in the order shown, those no longer active left out (at most
 * three). A ticket the actor may not read: 404 ticket_not_found. None recorded, or assisted intake switched off:
 * `{id: null, units: []}`.
 */
export async function dispatchSuggestion(db: Db, actor: Actor, ticketId: number): Promise<DispatchSuggestion> {
  const ticket = await loadTicket(db, actor, ticketId);
  if (!(await assistSettings(db)).enabled) return NONE;
  const [row] = await db
    .select({ id: assistSuggestions.id, units: assistSuggestions.units })
    .from(assistSuggestions)
    .where(and(eq(assistSuggestions.ticketId, ticket.id), sql`jsonb_array_length(${assistSuggestions.units}) > 0`))
    .orderBy(desc(assistSuggestions.createdAt), desc(assistSuggestions.id))
    .limit(1);
  if (!row) return NONE;
  const ids = row.units.map((u) => u.id);
  const active = new Set(
    (
      await db
        .select({ id: units.id })
        .from(units)
        .where(and(inArray(units.id, ids), eq(units.active, true)))
    ).map((u) => u.id),
  );
  const shown: AssistChoice[] = row.units.filter((u) => active.has(u.id)).slice(0, 3);
  return { id: row.id, units: shown };
}
