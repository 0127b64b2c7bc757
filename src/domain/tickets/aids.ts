import { and, desc, eq, gte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { tickets } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { addressSimilarity, metres, nearDuplicates } from '../assist/near-duplicates.ts';
import { phoneIndex } from '../privacy/caller-index.ts';
import { summary } from './presenter.ts';

/**
 * The audit target of a look-up by number: the number's blind index, which ties every look-up of one caller
 * together (and to the caller's tickets, whose caller_phone_index it equals) without putting the number, whole
 * or masked, into the audit log, where the audit administrator reads it.
 */
const callerTarget = (index: string) => ({ type: 'caller', id: index });

/** Caller history: the caller's tickets (by the number's blind index), open ones first, then newest. The read is audited. */
export async function callerHistory(db: Db, actor: Actor, phone: string, limit: number) {
  const index = phoneIndex(phone);
  const rows = await db
    .select()
    .from(tickets)
    .where(eq(tickets.callerPhoneIndex, index))
    .orderBy(sql`(${tickets.status} = 'closed')`, desc(tickets.createdAt))
    .limit(limit);
  await audit(db, actor, 'read_caller_history', callerTarget(index), { results: rows.length });
  return rows.map((t) => summary(actor, t));
}

/**
 * Duplicate hints at intake: open or recent (within `windowDays`) tickets with the same phone, or in the
 * same category near the same place — within 300 m when both have coordinates, otherwise an address
 * bigram similarity of at least 0.5 — and, when the demand's text is given, the same matter from any caller
 * (`similar_demand`: similar words, a near place, the last NEAR_WINDOW_DAYS; src/domain/assist/near-duplicates.ts),
 * with its score and the shared words.
 */
export async function duplicateHints(
  db: Db,
  actor: Actor,
  q: { phone?: string; categoryId?: number; address?: string; lat?: number; lng?: number; title?: string; content?: string; streetUnitId?: number },
  now: Date,
  windowDays: number,
) {
  const since = new Date(now.getTime() - windowDays * 86400_000);
  const recentOrOpen = or(ne(tickets.status, 'closed'), gte(tickets.createdAt, since))!;
  type Hint = { ticket: ReturnType<typeof summary>; reasons: string[]; score: number; similar?: { score: number; words: string[] } };
  const hints: Hint[] = [];
  const seen = new Map<number, Hint>();
  const add = (t: typeof tickets.$inferSelect, reason: string, score: number) => {
    const h = seen.get(t.id);
    if (h) {
      h.reasons.push(reason);
      h.score = Math.max(h.score, score);
      return h;
    }
    const n: Hint = { ticket: summary(actor, t), reasons: [reason], score };
    seen.set(t.id, n);
    hints.push(n);
    return n;
  };
  if (q.phone) {
    const index = phoneIndex(q.phone);
    const rows = await db
      .select()
      .from(tickets)
      .where(and(eq(tickets.callerPhoneIndex, index), recentOrOpen))
      .orderBy(desc(tickets.createdAt))
      .limit(20);
    for (const t of rows) add(t, 'same_phone', 1);
    await audit(db, actor, 'read_caller_history', callerTarget(index), { via: 'duplicate_hints', results: rows.length });
  }
  if (q.categoryId && (q.address || (q.lat !== undefined && q.lng !== undefined))) {
    const rows = await db
      .select()
      .from(tickets)
      .where(and(eq(tickets.categoryId, q.categoryId), recentOrOpen))
      .orderBy(desc(tickets.createdAt))
      .limit(300);
    for (const t of rows) {
      if (q.lat !== undefined && q.lng !== undefined && t.lat !== null && t.lng !== null) {
        const d = metres(q.lat, q.lng, t.lat, t.lng);
        if (d <= 300) add(t, 'same_category_nearby', 1 - d / 600);
      } else if (q.address && t.address) {
        const s = addressSimilarity(q.address, t.address);
        if (s >= 0.5) add(t, 'same_category_similar_address', s);
      }
    }
  }
  if (q.content?.trim()) {
    const demand = { title: q.title, content: q.content, streetUnitId: q.streetUnitId, address: q.address, lat: q.lat, lng: q.lng };
    for (const { ticket, match } of await nearDuplicates(db, actor, demand, now)) {
      add(ticket, 'similar_demand', Math.min(1, match.score)).similar = { score: match.score, words: match.words };
    }
  }
  hints.sort((a, b) => Number(b.ticket.status !== 'closed') - Number(a.ticket.status !== 'closed') || b.score - a.score);
  return hints.slice(0, 20);
}
