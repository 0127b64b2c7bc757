/**
 * Auto-dispatch (自动派单): a ticket whose category is marked safe for it and for which a catalogue rule
 * gives a unique top suggestion is dispatched by the system as it is logged — in the intake's own
 * transaction, through the same dispatch writes a dispatcher's command makes. Anything less certain
 * waits for a dispatcher.
 */
import type { Deps } from '../../deps.ts';
import { assignableUnits, type DispatchInput } from '../tickets/commands/dispatch.ts';
import type { TicketRow } from '../tickets/queries.ts';
import type { References } from '../reference.ts';
import { autoDispatchChoice } from './match.ts';
import { suggestionsFor } from './suggest.ts';

export type AutoDispatchPlan = Omit<DispatchInput, 'version'>;

/**
 * The dispatch to make for a ticket about to be logged (not yet in the database), or null when it stays
 * awaiting dispatch. Never throws: the units are checked here as the dispatch checks them, so a plan
 * cannot make the intake fail; a problem (e.g. a unit just deactivated) leaves the ticket to a dispatcher.
 * `refs`: intake's copy of the reference data (categories, units, rules).
 */
export async function autoDispatchPlan(deps: Pick<Deps, 'db' | 'logger'>, ticket: TicketRow, refs?: References): Promise<AutoDispatchPlan | null> {
  try {
    // The ticket has never been dispatched, so no unit has returned it.
    const s = await suggestionsFor(deps.db, ticket, { neverDispatched: true, refs });
    if (!s.categoryAutoDispatch) return null;
    const choice = autoDispatchChoice(s.candidates);
    if (!choice) return null;
    const all = [choice.leadUnitId, ...choice.assistUnitIds];
    if (new Set(all).size !== all.length) return null;
    await assignableUnits(deps.db, all, refs);
    return {
      leadUnitId: choice.leadUnitId,
      assistUnitIds: choice.assistUnitIds,
      designate: false,
      note: `自动派单：${choice.rule!.name}`,
      auto: { ruleId: choice.rule!.id, copyUnitIds: choice.copyUnitIds },
    };
  } catch (err) {
    deps.logger.warn({ err, categoryId: ticket.categoryId }, 'auto-dispatch skipped');
    return null;
  }
}
