/**
 * Accountability items (追责): what the escalation records on a unit still overdue after its 督办 went to the
 * level above (./escalation.ts). Supervisors list them by unit and month and resolve them with a note.
 */
import { and, desc, eq, gte, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { accountabilityItems, supervisionItems, tickets, units } from '../../../db/schema/index.ts';
import type { DbClockDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';
import { monthSpan } from '../reports/months.ts';
import { textMask } from '../tickets/policy.ts';

export type AccountabilityFilter = { unitId?: number; month?: string; open?: boolean; before?: number; limit: number };

/** Newest first, keyset-paginated by id; `month` (YYYY-MM) is the Asia/Shanghai month the item was recorded in. */
export async function listAccountability(db: Db, f: AccountabilityFilter, viewer: Pick<Actor, 'role'>) {
  const where: SQL[] = [];
  if (f.unitId !== undefined) where.push(eq(accountabilityItems.unitId, f.unitId));
  if (f.month) {
    const span = monthSpan(f.month);
    where.push(gte(accountabilityItems.createdAt, span.from), lt(accountabilityItems.createdAt, span.to));
  }
  if (f.open === true) where.push(isNull(accountabilityItems.resolvedAt));
  if (f.open === false) where.push(isNotNull(accountabilityItems.resolvedAt));
  if (f.before) where.push(lt(accountabilityItems.id, f.before));
  const rows = await db
    .select({
      a: accountabilityItems,
      number: tickets.number,
      title: tickets.title,
      status: tickets.status,
      confidential: tickets.confidential,
      allowDirectContact: tickets.allowDirectContact,
      unitName: units.name,
      escalatedAt: supervisionItems.escalatedAt,
      escalatedToUnitId: supervisionItems.escalatedToUnitId,
    })
    .from(accountabilityItems)
    .innerJoin(tickets, eq(tickets.id, accountabilityItems.ticketId))
    .innerJoin(units, eq(units.id, accountabilityItems.unitId))
    .leftJoin(supervisionItems, eq(supervisionItems.id, accountabilityItems.supervisionItemId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(accountabilityItems.id))
    .limit(f.limit);
  return rows.map((r) => {
    const mask = textMask(viewer, { confidential: r.confidential, allowDirectContact: r.allowDirectContact }, 'list');
    return {
      id: r.a.id,
      ticket: { id: r.a.ticketId, number: r.number, title: maskPhoneNumbers(r.title, mask), status: r.status },
      assignmentId: r.a.assignmentId,
      unit: { id: r.a.unitId, name: r.unitName },
      supervisionItemId: r.a.supervisionItemId,
      escalatedAt: r.escalatedAt?.toISOString() ?? null,
      escalatedToUnitId: r.escalatedToUnitId,
      kind: r.a.kind,
      reason: maskPhoneNumbers(r.a.reason, mask),
      createdBy: r.a.createdBy,
      createdAt: r.a.createdAt.toISOString(),
      resolvedAt: r.a.resolvedAt?.toISOString() ?? null,
      resolvedBy: r.a.resolvedBy,
      resolutionNote: r.a.resolutionNote,
    };
  });
}

/** A supervisor closes an accountability item with what was done about it (audited); once only. */
export async function resolveAccountability(deps: DbClockDeps, actor: Actor, id: number, note: string) {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [item] = await tx.select().from(accountabilityItems).where(eq(accountabilityItems.id, id)).for('update');
    if (!item) throw new NotFoundError('accountability_item_not_found', { id });
    if (item.resolvedAt) throw new ConflictError('accountability_item_resolved', { id, resolvedAt: item.resolvedAt.toISOString() });
    const now = deps.clock.now();
    await tx.update(accountabilityItems).set({ resolvedAt: now, resolvedBy: actor.userId, resolutionNote: note }).where(eq(accountabilityItems.id, id));
    await audit(tx, actor, 'accountability_resolve', { type: 'accountability_item', id }, { ticketId: item.ticketId, unitId: item.unitId, note });
    return { id, resolvedAt: now.toISOString(), resolvedBy: actor.userId, resolutionNote: note };
  });
}
