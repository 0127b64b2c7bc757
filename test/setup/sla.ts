/** Helpers for the SLA tests: policies, dispatched tickets, and reading what the engine stored. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { assignments, slaAlerts, supervisionItems, ticketEvents, tickets } from '../../db/schema/index.ts';
import type { Deps } from '../../src/deps.ts';
import { createTicket } from '../../src/domain/tickets/commands/intake.ts';
import { dispatchTicket } from '../../src/domain/tickets/commands/lifecycle.ts';
import { createTicketInput } from '../../src/domain/tickets/inputs.ts';
import { policyInput, type PolicyInput } from '../../src/domain/sla/inputs.ts';
import { createPolicy } from '../../src/domain/sla/policies.ts';
import { callBody, makeCategoryLeaf, type World } from './world.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** A policy with natural-minute clocks (sign 100, response 200, completion 400 min) unless overridden. */
export function policyBody(over: Record<string, unknown> = {}): PolicyInput {
  return policyInput.parse({
    name: '测试策略',
    sign: { amount: 100, unit: 'natural_minutes' },
    response: { amount: 200, unit: 'natural_minutes' },
    complete: { amount: 400, unit: 'natural_minutes' },
    ...over,
  });
}

export async function addPolicy(deps: Deps, w: World, over: Record<string, unknown> = {}) {
  return createPolicy(deps, w.admin.actor, policyBody(over));
}

/** A new category whose policy counts working time (sign 1 working day, response 4 working hours, completion 5 working days): its id. */
export async function workingTimeCategory(deps: Deps, w: World, name: string): Promise<number> {
  const cat = await makeCategoryLeaf(deps.db, name);
  await addPolicy(deps, w, {
    categoryId: cat.leaf.id,
    sign: { amount: 1, unit: 'working_days' },
    response: { amount: 4, unit: 'working_hours' },
    complete: { amount: 5, unit: 'working_days' },
  });
  return cat.leaf.id;
}

export async function newTicket(deps: Deps, w: World, over: Record<string, unknown> = {}) {
  const r = await createTicket(deps, w.operator.actor, createTicketInput.parse(callBody(w.category.id, over)));
  return r.ticket;
}

/** A new ticket dispatched at the clock's time to street A (lead), with optional assisting units. */
export async function dispatchNew(deps: Deps, w: World, opts: { ticket?: Record<string, unknown>; assist?: number[]; lead?: number } = {}) {
  const t = await newTicket(deps, w, opts.ticket);
  const d = await dispatchTicket(deps, w.dispatcher.actor, t.id, {
    version: t.version,
    leadUnitId: opts.lead ?? w.units.streetA.id,
    assistUnitIds: opts.assist ?? [],
    designate: false,
  });
  return { ticket: d, assignments: await assignmentsOf(deps.db, t.id) };
}

export async function assignmentsOf(db: Db, ticketId: number) {
  return db.select().from(assignments).where(eq(assignments.ticketId, ticketId)).orderBy(asc(assignments.id));
}
export async function assignmentById(db: Db, id: number) {
  const [a] = await db.select().from(assignments).where(eq(assignments.id, id));
  return a!;
}
export async function ticketById(db: Db, id: number) {
  const [t] = await db.select().from(tickets).where(eq(tickets.id, id));
  return t!;
}
export async function eventsOf(db: Db, ticketId: number, type?: string) {
  const rows = await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id));
  return type ? rows.filter((e) => e.type === type) : rows;
}
/** The sla_warning events of a ticket as "clock:level" in the order written. */
export async function warningsOf(db: Db, ticketId: number) {
  return (await eventsOf(db, ticketId, 'sla_warning')).map((e) => `${e.payload.clock}:${e.payload.level}`);
}
export async function alertsOf(db: Db, assignmentId: number) {
  return db.select().from(slaAlerts).where(eq(slaAlerts.assignmentId, assignmentId)).orderBy(asc(slaAlerts.id));
}
export async function supervisionOf(db: Db, ticketId: number) {
  return db.select().from(supervisionItems).where(eq(supervisionItems.ticketId, ticketId)).orderBy(asc(supervisionItems.id));
}

export const at = (base: string, ms: number) => new Date(new Date(base).getTime() + ms);
