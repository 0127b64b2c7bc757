/**
 * A small February and March 2026 driven through the real commands, for the monthly report tests.
 * Every figure the tests expect is worked out by hand in the comments here.
 *
 * Categories: A 噪音扰民 (with an SLA policy: sign 2 h, response 4 h, completion 48 h), B 垃圾清运 and C 路灯不亮
 * (no policy: no deadlines, so always in time). Every ticket is at street A's address unless said.
 *
 * February (2026-02-10): A ×3 phone, B ×2 (phone, online), C ×1 phone — 6 contacts (phone 5, online 1).
 *
 * March (from 2026-03-10 10:00 Shanghai):
 *   B1 phone → street A: signed, contacted, replied, approved; callback solved + satisfied → closed
 *   B2 phone → street A: … callback unsolved + dissatisfied → reopened (重办) → replied, approved;
 *      callback solved + satisfied → closed. Its content carries a caller's name and number (must not leak).
 *   B3 phone → street B: signed, contacted, replied, approved; callback solved + satisfied → closed
 *   B4 phone → street A: signed; return requested and rejected; appeal (unreasonable_demand) rejected
 *   B5 window → not dispatched
 *   A1 phone → street A: never signed → the sweep (Mar 12 12:00) fires sign, response and completion overdue;
 *      one repeat call linked to it; one manual 督办; appeal (outside_duties) approved (免考 for street A)
 *   A2 online → the department: signed, contacted, replied in time, approved (no callback)
 *   A3 phone → not dispatched
 *   C1 phone → street B: signed; return requested and approved
 * Contacts: B 5, A 4 (3 + the repeat), C 1 = 10 (phone 8, window 1, online 1).
 *
 * Street assessment (A1 exempted from street A):
 *   street A: lead dispatched B1 B2 B4 = 3, responded in time B1 B2 → 2/3; callbacks 3 (solved 2, satisfied 2)
 *             → composite (30·⅔ + 35·⅔ + 35·⅔) = 66.67
 *   street B: lead dispatched B3 C1 = 2, responded B3 → 1/2; callbacks 1 solved, satisfied → 15 + 35 + 35 = 85.00
 *   so at street (and district) level: red [乙街道 / 乙区], black [甲街道 / 甲区].
 */
import { createTicket } from '../../src/domain/tickets/commands/intake.ts';
import { createTicketInput } from '../../src/domain/tickets/inputs.ts';
import { superviseTicket } from '../../src/domain/sla/supervision.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import type { TestDeps } from '../setup/db.ts';
import { callBody, makeCategoryLeaf, makeWorld, seedCalendar, type TestUser, type World } from '../setup/world.ts';
import { journeyDriver, naturalHoursPolicy, type JourneyDriver } from './metrics-journeys.ts';

export const FEB = '2026-02-10T02:00:00.000Z';
export const T0 = '2026-03-10T02:00:00.000Z';
/** April 1st, 02:00 in Shanghai: when the job makes March's report. */
export const APRIL_1ST_2AM = '2026-03-31T18:00:00.000Z';
const HOUR = 3600_000;

export const PRIVATE_NAME = '张女士';
export const PRIVATE_PHONE = '13900001111';

export type ReportFixture = Awaited<ReturnType<typeof seedReportMonth>>;

export async function seedReportMonth(deps: TestDeps) {
  const w: World = await makeWorld(deps.db);
  await seedCalendar(deps.db);
  const d: JourneyDriver = await journeyDriver(deps, w);
  await naturalHoursPolicy(deps, w, { sign: 2, response: 4, complete: 48 });
  const catA = w.category;
  const catB = (await makeCategoryLeaf(deps.db, '垃圾清运')).leaf;
  const catC = (await makeCategoryLeaf(deps.db, '路灯不亮')).leaf;
  const { streetA, streetB, department } = w.units;
  const at = (base: string, ms: number) => deps.clock.set(new Date(new Date(base).getTime() + ms));
  let phone = 13800000000;
  const create = async (categoryId: number, by: TestUser = w.operator, over: Record<string, unknown> = {}) => {
    phone += 1;
    const body = callBody(categoryId, { streetUnitId: streetA.id, caller: { name: '王先生', phone: String(phone) }, ...over });
    return (await createTicket(deps, by.actor, createTicketInput.parse(body))).ticket;
  };
  const windowFields = { window: { matter: '办理居住证', hallDepartment: '政务服务中心', reason: 'documents' } };
  const lead = async (id: number) => (await d.lead(id)).id;

  // ---- February
  at(FEB, 0);
  for (let i = 0; i < 3; i++) await create(catA.id);
  await create(catB.id);
  await create(catB.id, w.portal);
  await create(catC.id);

  // ---- March
  at(T0, 0);
  const b1 = await create(catB.id);
  const b2 = await create(catB.id, w.operator, {
    content: `垃圾三天没有清运，${PRIVATE_NAME}请回电${PRIVATE_PHONE}，小区门口气味很大`,
    title: `${PRIVATE_NAME}反映垃圾未清运 ${PRIVATE_PHONE}`,
  });
  const b3 = await create(catB.id);
  const b4 = await create(catB.id);
  await create(catB.id, w.clerk, windowFields);
  const a1 = await create(catA.id);
  const a2 = await create(catA.id, w.portal);
  await create(catA.id);
  const c1 = await create(catC.id);

  at(T0, 10 * 60_000);
  for (const [t, unit] of [
    [b1, streetA],
    [b2, streetA],
    [b3, streetB],
    [b4, streetA],
    [a1, streetA],
    [a2, department],
    [c1, streetB],
  ] as const)
    await d.dispatch(t.id, unit.id);

  at(T0, 1 * HOUR);
  for (const t of [b1, b2, b3, b4, a2, c1]) await d.sign(await lead(t.id));
  at(T0, 2 * HOUR);
  for (const t of [b1, b2, b3, a2]) await d.contact(await lead(t.id));
  await d.repeat(a1.id);
  at(T0, 3 * HOUR);
  for (const t of [b1, b2, b3, a2]) await d.reply(await lead(t.id));
  await d.requestReturn(await lead(b4.id));
  await d.requestReturn(await lead(c1.id));
  at(T0, 4 * HOUR);
  for (const t of [b1, b2, b3, a2]) await d.review(t.id, 'reply', true);
  await d.review(b4.id, 'return', false);
  await d.review(c1.id, 'return', true);

  at(T0, 24 * HOUR);
  await d.callback(b1.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });
  await d.callback(b2.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
  await d.callback(b3.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });
  at(T0, 25 * HOUR);
  await d.reopen(b2.id);
  at(T0, 26 * HOUR);
  await d.reply(await lead(b2.id));
  await d.review(b2.id, 'reply', true);
  at(T0, 48 * HOUR);
  await d.callback(b2.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });

  // A1 runs out of every clock; the sweep raises each overdue once, then a supervisor presses it by hand.
  at(T0, 50 * HOUR);
  await sweep(deps, deps.clock.now());
  await superviseTicket(deps, w.supervisor.actor, a1.id, { version: (await d.ticket(a1.id)).version });
  at(T0, 51 * HOUR);
  const appealA1 = await d.appeal(await lead(a1.id), 'outside_duties');
  const appealB4 = await d.appeal(await lead(b4.id), 'unreasonable_demand');
  at(T0, 52 * HOUR);
  await d.decideAppeal(appealA1.id, true);
  await d.decideAppeal(appealB4.id, false);

  await rollup(deps, deps.clock.now());
  return { w, d, categories: { A: catA, B: catB, C: catC }, tickets: { b1, b2, b3, b4, a1, a2, c1 } };
}
