/** Reminders (催办, for a unit) and supervision items (督办, for supervisors) that the sweep opens on overdue. */
import { and, desc, eq, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { supervisionItems, tickets, units } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

export const SUPERVISION_KINDS = ['reminder', 'supervision'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

export type SupervisionFilter = { kind?: SupervisionKind; open?: boolean; unitId?: number; before?: number; limit: number };

/** Newest first, keyset-paginated by id (`before`). */
export async function listSupervisionItems(db: Db, f: SupervisionFilter) {
  const where: SQL[] = [];
  if (f.kind) where.push(eq(supervisionItems.kind, f.kind));
  if (f.open === true) where.push(isNull(supervisionItems.resolvedAt));
  if (f.open === false) where.push(isNotNull(supervisionItems.resolvedAt));
  if (f.unitId !== undefined) where.push(eq(supervisionItems.unitId, f.unitId));
  if (f.before) where.push(lt(supervisionItems.id, f.before));
  const rows = await db
    .select({ s: supervisionItems, ticketNumber: tickets.number, ticketTitle: tickets.title, ticketStatus: tickets.status, unitName: units.name })
    .from(supervisionItems)
    .innerJoin(tickets, eq(tickets.id, supervisionItems.ticketId))
    .leftJoin(units, eq(units.id, supervisionItems.unitId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(supervisionItems.id))
    .limit(f.limit);
  return rows.map(({ s, ticketNumber, ticketTitle, ticketStatus, unitName }) => ({
    id: s.id,
    kind: s.kind,
    ticket: { id: s.ticketId, number: ticketNumber, title: ticketTitle, status: ticketStatus },
    assignmentId: s.assignmentId,
    unit: s.unitId ? { id: s.unitId, name: unitName } : null,
    clock: s.clock,
    reason: s.reason,
    createdAt: s.createdAt.toISOString(),
    resolvedAt: s.resolvedAt?.toISOString() ?? null,
  }));
}

/** A supervisor marks an item dealt with. Audited. */
export async function resolveSupervisionItem(deps: Deps, actor: Actor, id: number) {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [item] = await tx.select().from(supervisionItems).where(eq(supervisionItems.id, id)).for('update');
    if (!item) throw new NotFoundError('supervision_item_not_found', { id });
    if (item.resolvedAt) throw new ConflictError('supervision_item_resolved', { id });
    const now = deps.clock.now();
    await tx.update(supervisionItems).set({ resolvedAt: now }).where(eq(supervisionItems.id, id));
    await audit(tx, actor, 'supervision_item_resolve', { type: 'supervision_item', id }, { kind: item.kind, ticketId: item.ticketId });
    return { id, resolvedAt: now.toISOString() };
  });
}
