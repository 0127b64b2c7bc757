import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { savedViews } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { DomainError } from '../errors.ts';
import { countTickets } from '../tickets/search.ts';
import { savedFilters } from '../tickets/search-filters.ts';

/** A view's badge counts up to this many tickets ("1000+" beyond): the navigation stays cheap at any size. */
export const COUNT_CAP = 1000;

/**
 * The user's saved views in their order, each with the count the list would show for its filters, for this user now.
 * A view whose filters no longer pass (a role change made a field forbidden) is listed with a null count.
 */
export async function listViews(db: Db, actor: Actor, now: Date) {
  const rows = await db.select().from(savedViews).where(eq(savedViews.userId, actor.userId)).orderBy(asc(savedViews.position), asc(savedViews.id));
  return Promise.all(
    rows.map(async (v) => {
      const parsed = savedFilters.safeParse(v.filters);
      let counted: { count: number; capped: boolean } | null = null;
      if (parsed.success) {
        try {
          counted = await countTickets(db, actor, parsed.data, now, COUNT_CAP);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
        }
      }
      return { id: v.id, name: v.name, filters: v.filters, position: v.position, count: counted?.count ?? null, countCapped: counted?.capped ?? false };
    }),
  );
}
