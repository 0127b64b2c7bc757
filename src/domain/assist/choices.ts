/**
 * What the operator finally chose, recorded beside the suggestion they were shown (assist_suggestions): the
 * ticket's category and the rank they accepted at intake, its first lead unit at dispatch — each in the same
 * transaction as the intake or dispatch. Live accuracy (accuracy.ts) is read from these rows.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistSuggestions } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import type { AssistChoice } from '../../contract/assist.ts';

/** What choices.ts needs of a model dispatch (auto-apply.ts's ModelDispatch; named here so the two do not import each other). */
type AppliedModel = { modelId: number; units: AssistChoice[]; plan: { leadUnitId: number } };

/**
 * In intake's transaction: the suggestion the operator was shown gets the new ticket, its category, the rank they
 * accepted and (when intake dispatched it) the lead unit. Only the operator's own suggestion not yet used is
 * taken; any other id is ignored (advice bookkeeping never fails an intake). A model dispatch with no suggestion
 * of the operator's to mark is recorded as a suggestion row of its own.
 */
export async function recordIntakeChoice(
  tx: Db,
  actor: Actor,
  c: {
    suggestionId?: number;
    rank?: number | null;
    ticketId: number;
    categoryId: number;
    leadUnitId: number | null;
    model: AppliedModel | null;
    now: Date;
  },
): Promise<void> {
  const userId = actor.userId || null;
  const automatic = !!c.model && c.leadUnitId === c.model.plan.leadUnitId;
  let marked = false;
  if (c.suggestionId && userId) {
    const rows = await tx
      .update(assistSuggestions)
      .set({
        ticketId: c.ticketId,
        chosenCategoryId: c.categoryId,
        acceptedCategoryRank: c.rank ?? null,
        chosenUnitId: c.leadUnitId,
        ...(automatic ? { appliedAutomatically: true } : {}),
      })
      .where(and(eq(assistSuggestions.id, c.suggestionId), eq(assistSuggestions.userId, userId), isNull(assistSuggestions.ticketId)))
      .returning({ id: assistSuggestions.id });
    marked = rows.length > 0;
  }
  if (automatic && !marked) {
    await tx.insert(assistSuggestions).values({
      createdAt: c.now,
      userId,
      ticketId: c.ticketId,
      unitModelId: c.model!.modelId,
      units: c.model!.units,
      chosenCategoryId: c.categoryId,
      chosenUnitId: c.leadUnitId,
      appliedAutomatically: true,
    });
  }
}

/** In a dispatch's transaction: the ticket's first lead unit, on the suggestion its intake was recorded with. */
export async function recordDispatchedUnit(tx: Db, ticketId: number, leadUnitId: number): Promise<void> {
  await tx
    .update(assistSuggestions)
    .set({ chosenUnitId: leadUnitId })
    .where(and(eq(assistSuggestions.ticketId, ticketId), isNull(assistSuggestions.chosenUnitId)));
}
