/**
 * Auto-dispatch (自动派单): right after intake, a ticket whose category is marked safe for it and for which
 * a catalogue rule gives a unique top suggestion is dispatched by the system, through the same command
 * a dispatcher uses. Anything less certain waits for a dispatcher.
 */
import type { Deps } from '../../deps.ts';
import { systemActor } from '../auth/actor.ts';
import { dispatchTicket } from '../tickets/commands/lifecycle.ts';
import type { TicketRow } from '../tickets/queries.ts';
import { autoDispatchChoice } from './match.ts';
import { suggestionsFor } from './suggest.ts';

/** The dispatched ticket, or null when it stays awaiting dispatch. Never throws: intake has already committed. */
export async function autoDispatch(deps: Deps, ticket: TicketRow): Promise<TicketRow | null> {
  if (ticket.status !== 'awaiting_dispatch') return null;
  try {
    // Called only right after intake: the ticket has never been dispatched, so no unit has returned it.
    const s = await suggestionsFor(deps.db, ticket, { neverDispatched: true });
    if (!s.categoryAutoDispatch) return null;
    const choice = autoDispatchChoice(s.candidates);
    if (!choice) return null;
    return await dispatchTicket(deps, systemActor('dispatcher'), ticket.id, {
      version: ticket.version,
      leadUnitId: choice.leadUnitId,
      assistUnitIds: choice.assistUnitIds,
      designate: false,
      note: `自动派单：${choice.rule!.name}`,
      auto: { ruleId: choice.rule!.id, copyUnitIds: choice.copyUnitIds },
    });
  } catch (err) {
    // A dispatcher picks it up as usual (e.g. someone dispatched it first, or a unit was just deactivated).
    deps.logger.warn({ err, ticketId: ticket.id }, 'auto-dispatch skipped');
    return null;
  }
}
