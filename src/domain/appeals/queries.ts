import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { appeals, tickets, units, users } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import { readsAll, textMask } from '../tickets/policy.ts';
import { mayDecideAppeal, type AppealRow } from './commands.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';

/** Supervisors see every appeal; unit users those of their unit and the units below it. */
function appealScope(actor: Actor): SQL {
  if (readsAll(actor)) return sql`true`;
  return sql`${appeals.unitId} in (select id from ${units} where path like ${`${actor.unitPath}%`})`;
}

export async function listAppeals(
  db: Db,
  actor: Actor,
  f: { status?: AppealRow['status']; unitId?: number; ticketId?: number; before?: number; limit: number },
) {
  const where: SQL[] = [appealScope(actor)];
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
      .where(inArray(units.id, [...new Set(rows.map((r) => r.unitId))])),
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
      abilities: r.status === 'pending' && mayDecideAppeal(actor) ? ['approve', 'reject'] : [],
    };
  });
}
