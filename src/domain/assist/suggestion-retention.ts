/**
 * Suggestions never sent with a ticket — the panel asks at every pause in the typing, so a call leaves several, and
 * abandoned calls leave theirs — are kept UNLINKED_SUGGESTION_DAYS, then deleted by the nightly retraining job. The
 * rows a ticket was created with stay: they are what the weekly accuracy is read from. They hold no caller data.
 */
import { and, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistSuggestions } from '../../../db/schema/index.ts';
import { rowsOf } from '../tickets/queries.ts';

export const UNLINKED_SUGGESTION_DAYS = 30;
const BATCH = 50_000;

/** Deletes unlinked suggestions older than the retention, in batches (each its own statement); returns how many. */
export async function purgeUnlinkedSuggestions(db: Db, now: Date, days = UNLINKED_SUGGESTION_DAYS): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000);
  let deleted = 0;
  for (;;) {
    const rows = rowsOf<{ id: number }>(
      await db.execute(sql`
        delete from ${assistSuggestions} where id in (
          select id from ${assistSuggestions}
          where ${and(isNull(assistSuggestions.ticketId), lt(assistSuggestions.createdAt, before))}
          limit ${BATCH}
        ) returning id`),
    );
    deleted += rows.length;
    if (rows.length < BATCH) return deleted;
  }
}
