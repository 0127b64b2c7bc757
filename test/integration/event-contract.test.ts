/**
 * What the product writes to ticket_events keeps to the contract (src/contract/events.ts): journeys through
 * the real commands — every lifecycle action, intake, links, supervision, appeals — and an SLA sweep, then
 * every stored event is read back. Each type is one of the event map's; every action of the lifecycle was
 * written as its own event; a unit's event carries whose assignment it was; exactly the actions that end a
 * centre clock record the decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { assignments, ticketEvents } from '../../db/schema/index.ts';
import { EVENT_LABELS } from '../../src/contract/labels.ts';
import { ASSIGNMENT_ACTIONS, CENTRE_CLOCK_OF, SUB_DECISIONS, TICKET_ACTIONS } from '../../src/contract/vocab.ts';
import {
  addNote,
  approveSubReply,
  decideSubExtension,
  decideSubReturn,
  handDown,
  recallSub,
  rejectSubReply,
} from '../../src/domain/tickets/commands/lifecycle.ts';
import { triageAssignment } from '../../src/domain/tickets/commands/triage.ts';
import { superviseTicket } from '../../src/domain/sla/supervision.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { MIN, addPolicy, at } from '../setup/sla.ts';
import { makeWorld, type World } from '../setup/world.ts';
import { journeyDriver, type JourneyDriver } from './metrics-journeys.ts';

const T0 = '2026-03-10T02:00:00.000Z';

let database: Database;
let deps: TestDeps;
let w: World;
let d: JourneyDriver;
let stored: (typeof ticketEvents.$inferSelect)[];
let unitOf: Map<number, number>;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, { CALLBACK_MAX_ATTEMPTS: 2 }, T0);
  w = await makeWorld(deps.db);
  d = await journeyDriver(deps, w);
  await addPolicy(deps, w, { categoryId: w.category.id }); // deadlines, so the sweep has marks to fire
  const { streetA, department } = w.units;

  // Worked through every review, rejected first and then approved; a retried and a disputed callback,
  // a reopen, a supervisor's close, and an appeal rejected, then one approved.
  const t1 = await d.create();
  await d.dispatch(t1.id, streetA.id, [department.id]);
  const [lead1, assist1] = await d.assignmentsOf(t1.id);
  await d.sign(lead1!.id);
  await d.sign(assist1!.id);
  await d.contact(lead1!.id);
  await addNote(deps, d.handlers.get(streetA.id)!.actor, lead1!.id, { version: (await d.assignment(lead1!.id)).version, text: '已安排现场查看' });
  await d.requestExtension(lead1!.id, at(T0, 600 * MIN));
  await d.review(t1.id, 'extension', false);
  await d.requestExtension(lead1!.id, at(T0, 700 * MIN));
  await d.review(t1.id, 'extension', true);
  await d.reply(assist1!.id);
  await d.reply(lead1!.id);
  await d.review(t1.id, 'reply', false);
  await d.toCallback(t1.id);
  await d.callback(t1.id, { reached: false });
  await d.callback(t1.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
  await d.reopen(t1.id);
  await d.toCallback(t1.id);
  await d.callback(t1.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
  await d.close(t1.id);
  const rejected = await d.appeal(lead1!.id);
  await d.decideAppeal(rejected.id, false);
  const approved = await d.appeal(lead1!.id);
  await d.decideAppeal(approved.id, true);

  // A return rejected (the unit is then designated), one approved, then a repeat call and a merge into that ticket.
  const t2 = await d.create();
  await d.dispatch(t2.id, streetA.id);
  await d.sign((await d.lead(t2.id)).id);
  await d.requestReturn((await d.lead(t2.id)).id);
  await d.review(t2.id, 'return', false);
  const t3 = await d.create();
  await d.dispatch(t3.id, streetA.id);
  await d.sign((await d.lead(t3.id)).id);
  await d.requestReturn((await d.lead(t3.id)).id);
  await d.review(t3.id, 'return', true);
  await d.repeat(t3.id);
  await d.merge((await d.create()).id, t3.id);

  // A termination rejected, then approved; a ticket declined; a callback that never reaches the caller, one that closes.
  const t4 = await d.create();
  await d.dispatch(t4.id, streetA.id);
  await d.sign((await d.lead(t4.id)).id);
  await d.requestTermination((await d.lead(t4.id)).id);
  await d.review(t4.id, 'termination', false);
  await d.requestTermination((await d.lead(t4.id)).id);
  await d.review(t4.id, 'termination', true);
  await d.decline((await d.create()).id);
  const t5 = await d.create();
  await d.dispatch(t5.id, streetA.id);
  await d.toCallback(t5.id);
  await d.callback(t5.id, { reached: false });
  await d.callback(t5.id, { reached: false });
  const t6 = await d.create();
  await d.dispatch(t6.id, streetA.id);
  await d.toCallback(t6.id);
  await d.callback(t6.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });

  // The chain of levels: the district hands down to its street, which replies (sent back once, then approved);
  // another hand-down whose return is refused, then granted; one whose extension is refused, then granted, and recalled.
  const { districtA } = w.units;
  const district = d.handlers.get(districtA.id)!.actor;
  const handedDown = async (ticketId: number) => {
    await d.dispatch(ticketId, districtA.id);
    await d.sign((await d.lead(ticketId)).id);
    // The receiving level (a district) triages what the centre sent it.
    const signed = await d.lead(ticketId);
    await triageAssignment(deps, district, signed.id, { version: signed.version, level: 'complex' });
    const parent = await d.lead(ticketId);
    await handDown(deps, district, parent.id, { version: parent.version, leadUnitId: streetA.id, assistUnitIds: [], note: '请街道办理' });
    const sub = (await d.assignmentsOf(ticketId)).find((a) => a.parentId === parent.id)!;
    await d.sign(sub.id);
    return sub.id;
  };
  const v = async (id: number) => ({ version: (await d.assignment(id)).version });
  const s7 = await handedDown((await d.create()).id);
  await d.reply(s7);
  await rejectSubReply(deps, district, s7, { ...(await v(s7)), reason: '请补充现场照片' });
  await d.reply(s7);
  await approveSubReply(deps, district, s7, await v(s7));
  const s8 = await handedDown((await d.create()).id);
  await d.requestReturn(s8);
  await decideSubReturn(deps, district, s8, false, await v(s8));
  const s9 = await handedDown((await d.create()).id);
  await d.requestReturn(s9);
  await decideSubReturn(deps, district, s9, true, await v(s9));
  const s10 = await handedDown((await d.create()).id);
  // The district's own deadline moved first (by the centre), so the street's request fits beneath it.
  const t10 = (await d.assignment(s10)).ticketId;
  await d.requestExtension((await d.assignment(s10)).parentId!, at(T0, 700 * MIN));
  await d.review(t10, 'extension', true);
  await d.requestExtension(s10, at(T0, 650 * MIN));
  await decideSubExtension(deps, district, s10, false, await v(s10));
  await d.requestExtension(s10, at(T0, 650 * MIN));
  await decideSubExtension(deps, district, s10, true, await v(s10));
  await recallSub(deps, district, s10, { ...(await v(s10)), reason: '改由区里直接办理' });

  // 督办 on the designated ticket, and the sweep long after every deadline: its warnings.
  await superviseTicket(deps, w.supervisor.actor, t2.id, { version: (await d.ticket(t2.id)).version, reason: '请加快办理' });
  await sweep(deps, at(T0, 10_000 * MIN));

  stored = await deps.db.select().from(ticketEvents).orderBy(asc(ticketEvents.id));
  unitOf = new Map((await deps.db.select({ id: assignments.id, unitId: assignments.unitId }).from(assignments)).map((a) => [a.id, a.unitId]));
});
afterAll(async () => {
  await database?.close();
});

describe('events as stored', () => {
  it('every type written is a type of the event map', () => {
    const known = new Set(Object.keys(EVENT_LABELS));
    expect(stored.length).toBeGreaterThan(60);
    expect([...new Set(stored.map((e) => e.type))].filter((t) => !known.has(t))).toEqual([]);
  });

  it('every action of the lifecycle (the chain decisions included) was written as its own event, besides intake, links, supervision, appeals and the sweep', () => {
    const written = new Set(stored.map((e) => e.type));
    for (const t of [...TICKET_ACTIONS, ...ASSIGNMENT_ACTIONS, ...SUB_DECISIONS]) expect(written.has(t), t).toBe(true);
    for (const t of [
      'ticket_created',
      'contact_linked',
      'ticket_merged_in',
      'supervise',
      'appeal_filed',
      'appeal_approved',
      'appeal_rejected',
      'sla_warning',
    ] as const) {
      expect(written.has(t), t).toBe(true);
    }
  });

  it("a unit's action says whose assignment it was and how the assignment moved", () => {
    const unitEvents = stored.filter((e) => (ASSIGNMENT_ACTIONS as readonly string[]).includes(e.type));
    expect(unitEvents.length).toBeGreaterThan(10);
    for (const e of unitEvents) {
      expect(e.payload, e.type).toMatchObject({
        unitId: unitOf.get(e.assignmentId!),
        role: expect.stringMatching(/^(lead|assist)$/),
        assignmentFrom: expect.any(String),
        assignmentTo: expect.any(String),
      });
    }
  });

  it("exactly the actions that end one of the centre's clocks record the decision", () => {
    for (const e of stored.filter((x) => (TICKET_ACTIONS as readonly string[]).includes(x.type))) {
      const clock = (CENTRE_CLOCK_OF as Record<string, string>)[e.type];
      if (clock)
        expect(e.payload, e.type).toMatchObject({
          centre: { clock, since: expect.any(String), waitedMinutes: expect.any(Number), onTime: expect.any(Boolean) },
        });
      else expect(e.payload, e.type).not.toHaveProperty('centre');
    }
  });

  it("the sweep's warnings carry the fields of their payload type, the overdue ones their reminder and supervision item", () => {
    const warnings = stored.filter((e) => e.type === 'sla_warning');
    expect(warnings.length).toBeGreaterThan(0);
    for (const e of warnings) {
      expect(Object.keys(e.payload).sort()).toEqual(['clock', 'cycle', 'dueAt', 'level', 'markAt', 'reminderId', 'supervisionId', 'unitId']);
      if (e.payload.level === 'overdue') expect(e.payload).toMatchObject({ reminderId: expect.any(Number), supervisionId: expect.any(Number) });
    }
  });
});
