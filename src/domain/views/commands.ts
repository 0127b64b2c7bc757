/**
 * A user's saved views: create, change, delete — each one transaction with its audit row. A view belongs to its
 * user alone: another user's view is 404, as if it did not exist.
 */
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { savedViews } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { isUniqueViolation } from '../db-errors.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { filterWhere } from '../tickets/search.ts';
import type { TicketFilters } from '../tickets/search-filters.ts';
import { MAX_VIEWS, type CreateViewInput, type UpdateViewInput } from './inputs.ts';

type ViewDeps = Pick<Deps, 'db' | 'clock'>;

/** Run a write; a second view of the same name for the same user is 409 view_name_taken. */
async function write<T>(deps: ViewDeps, run: (tx: Db) => Promise<T>): Promise<T> {
  try {
    return await deps.db.transaction(async (t) => run(t as unknown as Db));
  } catch (err) {
    if (isUniqueViolation(err, 'saved_views_user_name_idx')) throw new ConflictError('view_name_taken');
    throw err;
  }
}

/** The filters must be usable by this user: a field the role may not search by is refused now, not at every count. */
function checkFilters(actor: Actor, filters: TicketFilters, now: Date) {
  filterWhere(actor, filters, now);
}

export async function createView(deps: ViewDeps, actor: Actor, input: CreateViewInput): Promise<{ id: number }> {
  const now = deps.clock.now();
  checkFilters(actor, input.filters, now);
  return write(deps, async (tx) => {
    const [n] = await tx.select({ n: count() }).from(savedViews).where(eq(savedViews.userId, actor.userId));
    if ((n?.n ?? 0) >= MAX_VIEWS) throw new ConflictError('view_limit_reached', { max: MAX_VIEWS });
    const [v] = await tx
      .insert(savedViews)
      .values({ userId: actor.userId, name: input.name, filters: input.filters, position: n?.n ?? 0, createdAt: now, updatedAt: now })
      .returning({ id: savedViews.id });
    await audit(tx, actor, 'view_created', { type: 'saved_view', id: v!.id }, { name: input.name, filters: input.filters });
    return v!;
  });
}

export async function updateView(deps: ViewDeps, actor: Actor, id: number, input: UpdateViewInput): Promise<{ id: number }> {
  const now = deps.clock.now();
  if (input.filters) checkFilters(actor, input.filters, now);
  return write(deps, async (tx) => {
    const [v] = await tx
      .update(savedViews)
      .set({ ...input, updatedAt: now })
      .where(and(eq(savedViews.id, id), eq(savedViews.userId, actor.userId)))
      .returning({ id: savedViews.id });
    if (!v) throw new NotFoundError('view_not_found');
    await audit(tx, actor, 'view_updated', { type: 'saved_view', id }, { ...input });
    return v;
  });
}

export async function deleteView(deps: ViewDeps, actor: Actor, id: number): Promise<void> {
  await write(deps, async (tx) => {
    const [v] = await tx
      .delete(savedViews)
      .where(and(eq(savedViews.id, id), eq(savedViews.userId, actor.userId)))
      .returning({ id: savedViews.id, name: savedViews.name });
    if (!v) throw new NotFoundError('view_not_found');
    await audit(tx, actor, 'view_deleted', { type: 'saved_view', id }, { name: v.name });
  });
}
