import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { appeals, assignments, tickets, units, users } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import { readsAll, textMask } from '../tickets/policy.ts';
import { appealDeciders, mayDecideAppeal, type AppealRow } from './commands.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';

/** Supervisors see every appeal; unit users those of their unit and the units below it. */
function appealScope(actor: Actor): SQL {
  if (readsAll(actor)) return sql`true`;
  return sql`${appeals.unitId} in (select id from ${units} where path like ${`${actor.unitPath}%`})`;
}

export async function listAppeals(
  db: Db,
  actor: Actor,
  f: { status?: AppealRow['status']; unitId?: number; ticketId?: number; toDecide?: boolean; before?: number; limit: number },
) {
  const where: SQL[] = [appealScope(actor)];
  // The actor's queue: pending appeals it decides — a supervisor those on the centre's dispatches, a unit
  // leader those of the units it handed assignments down to.
  if (f.toDecide) {
    where.push(eq(appeals.status, 'pending'));
    const parent = sql`(select p.unit_id from ${assignments} a join ${assignments} p on p.id = a.parent_id where a.id = ${appeals.assignmentId})`;
    if (actor.role === 'supervisor') where.push(sql`(select a.parent_id from ${assignments} a where a.id = ${appeals.assignmentId}) is null`);
    else if (actor.role === 'unit_leader' && actor.unitId) where.push(sql`${parent} = ${actor.unitId}`);
    else where.push(sql`false`);
  }
  if (f.status) where.push(eq(appeals.status, f.status));
  if (f.unitId) {
    const [u] = await db.select({ path: units.path }).from(units).where(eq(units.id, f.unitId));
    if (!u) throw new UnprocessableError('unit_unknown', { unitId: f.unitId });
    if (!readsAll(actor) && !u.path.startsWith(actor.unitPath)) throw new ForbiddenError();
    where.push(sql`${appeals.unitId} in (select id from ${units} where path like ${`${u.path}%`})`);
  }
  if (f.ticketId) where.push(eq(appeals.ticketId, f.ticketId));
  if (f.before) where.push(lt(appeals.id, f.before));
  const rows = await db
    .select()
    .from(appeals)
    .where(and(...where))
    .orderBy(desc(appeals.id))
    .limit(f.limit);
  return { items: await presentAppeals(db, actor, rows), nextBefore: rows.length === f.limit ? rows.at(-1)!.id : null };
}

export async function getAppeal(db: Db, actor: Actor, id: number) {
  const [row] = await db
    .select()
    .from(appeals)
    .where(and(eq(appeals.id, id), appealScope(actor)));
  if (!row) throw new NotFoundError('appeal_not_found');
  return (await presentAppeals(db, actor, [row]))[0]!;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function presentAppeals(db: Db, actor: Actor, rows: AppealRow[]) {
  if (rows.length === 0) return [];
  const deciders = await appealDeciders(
    db,
    rows.map((r) => r.assignmentId),
  );
  const deciderIds = [...deciders.values()].filter((x): x is number => x !== null);
  const [ticketRows, unitRows, userRows] = await Promise.all([
    db
      .select({
        id: tickets.id,
        number: tickets.number,
        title: tickets.title,
        status: tickets.status,
        confidential: tickets.confidential,
        allowDirectContact: tickets.allowDirectContact,
      })
      .from(tickets)
      .where(inArray(tickets.id, [...new Set(rows.map((r) => r.ticketId))])),
    db
      .select({ id: units.id, name: units.name, kind: units.kind })
      .from(units)
      .where(inArray(units.id, [...new Set([...rows.map((r) => r.unitId), ...deciderIds])])),
    db
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(inArray(users.id, [...new Set(rows.flatMap((r) => [r.requestedBy, r.decidedBy]).filter((x): x is number => x !== null))].concat(0))),
  ]);
  const t = new Map(ticketRows.map((r) => [r.id, r]));
  const u = new Map(unitRows.map((r) => [r.id, r]));
  const p = new Map(userRows.map((r) => [r.id, r]));
  const person = (id: number | null) => (id ? { id, name: p.get(id)?.name ?? null } : null);
  // Appeals are read as list entries: phone numbers in their texts masked as a ticket list masks them.
  return rows.map((r) => {
    const ticket = t.get(r.ticketId);
    const text = (s: string | null) => (s === null ? null : maskPhoneNumbers(s, ticket ? textMask(actor, ticket, 'list') : 'redact'));
    const decider = deciders.get(r.assignmentId ?? 0) ?? null;
    return {
      id: r.id,
      ticket: ticket ? { id: ticket.id, number: ticket.number, title: text(ticket.title)!, status: ticket.status } : { id: r.ticketId },
      assignmentId: r.assignmentId,
      unit: u.get(r.unitId) ?? { id: r.unitId },
      reasonCode: r.reasonCode,
      reason: text(r.reason),
      attachmentIds: r.attachmentIds,
      status: r.status,
      requestedBy: person(r.requestedBy),
      createdAt: r.createdAt.toISOString(),
      decidedBy: person(r.decidedBy),
      decidedAt: iso(r.decidedAt),
      decisionNote: text(r.decisionNote),
      /** who decides: the unit that handed the assignment down (null: the centre, a supervisor) */
      decider: decider === null ? null : (u.get(decider) ?? { id: decider }),
      abilities: r.status === 'pending' && mayDecideAppeal(actor, decider) ? ['approve', 'reject'] : [],
    };
  });
}
