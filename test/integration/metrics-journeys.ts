/**
 * Drives tickets through the real commands (no HTTP) for the metrics tests: each step runs at the
 * test clock's current time and returns fresh rows.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { assignments, tickets } from '../../db/schema/index.ts';
import { createTicket } from '../../src/domain/tickets/commands/intake.ts';
import * as lc from '../../src/domain/tickets/commands/lifecycle.ts';
import { createTicketInput } from '../../src/domain/tickets/inputs.ts';
import { decideAppeal, fileAppeal } from '../../src/domain/appeals/commands.ts';
import { createPolicy } from '../../src/domain/sla/policies.ts';
import { rateHandling } from '../../src/domain/ratings/rate.ts';
import { decideVerification, rectifyVerification } from '../../src/domain/ratings/verification.ts';
import type { RatingLevel } from '../../src/contract/vocab.ts';
import { policyInput } from '../../src/domain/sla/inputs.ts';
import { makeUser, callBody, type TestUser, type World } from '../setup/world.ts';
import type { TestDeps } from '../setup/db.ts';

export type Answers = { reached: boolean; solved?: 'solved' | 'partly' | 'unsolved'; satisfaction?: 'satisfied' | 'basically_satisfied' | 'dissatisfied' };

/** An SLA policy for the world's category with natural-hour clocks (a reopen restarts completion). */
export async function naturalHoursPolicy(deps: TestDeps, w: World, hours: { sign: number; response: number; complete: number }) {
  const limit = (amount: number) => ({ amount, unit: 'natural_hours' });
  return createPolicy(
    deps,
    w.admin.actor,
    policyInput.parse({
      name: `自然小时 ${hours.sign}/${hours.response}/${hours.complete}`,
      categoryId: w.category.id,
      sign: limit(hours.sign),
      response: limit(hours.response),
      complete: limit(hours.complete),
    }),
  );
}

export async function journeyDriver(deps: TestDeps, w: World) {
  const db = deps.db;
  // A handler and a leader for every handling unit of the world.
  const handlers = new Map<number, TestUser>();
  const leaders = new Map<number, TestUser>();
  for (const u of Object.values(w.units)) {
    if (u.kind === 'centre') continue;
    handlers.set(u.id, await makeUser(db, 'unit_handler', u));
    leaders.set(u.id, await makeUser(db, 'unit_leader', u));
  }
  const ticket = async (id: number) => (await db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
  const assignment = async (id: number) => (await db.select().from(assignments).where(eq(assignments.id, id)))[0]!;
  const assignmentsOf = (ticketId: number) => db.select().from(assignments).where(eq(assignments.ticketId, ticketId)).orderBy(asc(assignments.id));
  const lead = async (ticketId: number) =>
    (
      await db
        .select()
        .from(assignments)
        .where(and(eq(assignments.ticketId, ticketId), eq(assignments.role, 'lead')))
        .orderBy(desc(assignments.id))
        .limit(1)
    )[0]!;
  const unitActor = (unitId: number) => handlers.get(unitId)!.actor;

  const d = {
    handlers,
    leaders,
    ticket,
    assignment,
    assignmentsOf,
    lead,
    async create(over: Record<string, unknown> = {}, by = w.operator) {
      return (await createTicket(deps, by.actor, createTicketInput.parse(callBody(w.category.id, over)))).ticket;
    },
    /** A new contact about an open ticket (重复件), linked at intake. */
    async repeat(ticketId: number, by = w.operator) {
      return (await createTicket(deps, by.actor, createTicketInput.parse(callBody(w.category.id, { disposition: { kind: 'repeat', ticketId } })))).ticket;
    },
    async dispatch(id: number, leadUnitId: number, assistUnitIds: number[] = []) {
      const t = await ticket(id);
      return lc.dispatchTicket(deps, w.dispatcher.actor, id, { version: t.version, leadUnitId, assistUnitIds, designate: false });
    },
    async decline(id: number) {
      return lc.declineTicket(deps, w.dispatcher.actor, id, { version: (await ticket(id)).version, reason: '不属于受理范围' });
    },
    async merge(id: number, intoTicketId: number) {
      return lc.mergeTicket(deps, w.dispatcher.actor, id, { version: (await ticket(id)).version, intoTicketId });
    },
    async sign(assignmentId: number) {
      const a = await assignment(assignmentId);
      return lc.signAssignment(deps, unitActor(a.unitId), a.id, { version: a.version });
    },
    async contact(assignmentId: number, contactedAt?: Date) {
      const a = await assignment(assignmentId);
      return lc.contactCaller(deps, unitActor(a.unitId), a.id, {
        version: a.version,
        method: 'phone',
        summary: '已电话联系诉求人',
        contactedAt: contactedAt?.toISOString(),
      });
    },
    async reply(assignmentId: number) {
      const a = await assignment(assignmentId);
      return lc.replyAssignment(deps, unitActor(a.unitId), a.id, { version: a.version, content: '已处理完毕，并向诉求人反馈。' });
    },
    async requestReturn(assignmentId: number) {
      const a = await assignment(assignmentId);
      return lc.requestReturn(deps, unitActor(a.unitId), a.id, { version: a.version, reason: '不属于本单位职责' });
    },
    async requestExtension(assignmentId: number, due: Date) {
      const a = await assignment(assignmentId);
      return lc.requestExtension(deps, unitActor(a.unitId), a.id, { version: a.version, reason: '需协调多部门', requestedDueAt: due.toISOString() });
    },
    async requestTermination(assignmentId: number) {
      const a = await assignment(assignmentId);
      return lc.requestTermination(deps, unitActor(a.unitId), a.id, { version: a.version, reason: '诉求人撤回' });
    },
    async review(id: number, kind: 'return' | 'extension' | 'termination' | 'reply', approve: boolean) {
      const version = (await ticket(id)).version;
      if (kind === 'return') return lc.reviewReturn(deps, w.dispatcher.actor, id, approve, { version });
      if (kind === 'extension') return lc.reviewExtension(deps, w.dispatcher.actor, id, approve, { version });
      if (kind === 'termination') return lc.reviewTermination(deps, w.dispatcher.actor, id, approve, { version });
      return lc.reviewReply(deps, w.dispatcher.actor, id, approve, { version, reason: '答复内容不完整' });
    },
    async callback(id: number, answers: Answers) {
      return lc.recordCallback(deps, w.callbackAgent.actor, id, { version: (await ticket(id)).version, ...answers });
    },
    async reopen(id: number) {
      return lc.reopenTicket(deps, w.supervisor.actor, id, { version: (await ticket(id)).version, reason: '诉求人不满意，重办' });
    },
    async close(id: number) {
      return lc.closeTicket(deps, w.supervisor.actor, id, { version: (await ticket(id)).version, note: '已向诉求人解释说明' });
    },
    async appeal(assignmentId: number, reasonCode: 'unreasonable_demand' | 'malicious' | 'outside_duties' | 'duplicate' | 'other' = 'unreasonable_demand') {
      const a = await assignment(assignmentId);
      return fileAppeal(deps, leaders.get(a.unitId)!.actor, a.id, { reasonCode, reason: '诉求超出合理范围，已多次解释' });
    },
    async decideAppeal(appealId: number, approve: boolean) {
      return decideAppeal(deps, w.supervisor.actor, appealId, approve, { note: approve ? '经核实，同意免考' : '理由不充分' });
    },
    /** The caller rates the current round from the look-up page (callBody's phone ends in 5678). */
    async rate(id: number, level: RatingLevel) {
      return rateHandling(deps, { number: (await ticket(id)).number, last4: '5678', level, comment: null });
    },
    async decideVerification(verificationId: number, confirm: boolean) {
      return decideVerification(deps, w.supervisor.actor, verificationId, { confirm, note: confirm ? '经核实，差评属实' : '经核实，不属实' });
    },
    async rectify(verificationId: number, unitId: number) {
      return rectifyVerification(deps, leaders.get(unitId)!.actor, verificationId, { text: '已整改到位', answer: '您反映的问题已整改，感谢监督。' });
    },
    /** Dispatched, signed, contacted, replied and approved: awaiting callback. */
    async toCallback(id: number) {
      const l = await lead(id);
      if (l.status === 'awaiting_sign') await d.sign(l.id);
      if (!(await assignment(l.id)).firstContactAt) await d.contact(l.id);
      await d.reply(l.id);
      return d.review(id, 'reply', true);
    },
  };
  return d;
}
export type JourneyDriver = Awaited<ReturnType<typeof journeyDriver>>;
