/**
 * The notification centre (消息中心) over HTTP: who receives each kind from the ticket event that causes it (and
 * that no user of another unit does), unread counts, mark read and all read, each user's own rows only, and one
 * row per user, kind and event however often the event is written. The 2025–2026 calendar is seeded.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { slaPolicies, ticketEvents, userNotifications } from '../../db/schema/index.ts';
import { writeNotifications } from '../../src/domain/inbox/write.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { shanghai } from '../setup/calendar.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { makeUser, seedCalendar, type TestUser } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ prepare: (fresh) => seedCalendar(fresh.db) });

let dispatcher2: TestUser;
beforeAll(async () => {
  // Sign within 2 hours (yellow, red and overdue fire within a working day), complete within 5 working days.
  await deps.db.insert(slaPolicies).values({
    name: '消息中心测试',
    signLimit: 2,
    signUnit: 'natural_hours',
    responseLimit: 1,
    responseUnit: 'working_days',
    completeLimit: 5,
    completeUnit: 'working_days',
  });
  dispatcher2 = await makeUser(deps.db, 'dispatcher', w.units.centre);
});

const at = (local: string) => deps.clock.set(shanghai(local).toISOString());
const get = (user: TestUser, path: string) => api.call('GET', path, { token: user.token });
const post = (user: TestUser, path: string, body: unknown = {}) => api.call('POST', path, { token: user.token, body });
type Item = {
  id: number;
  kind: string;
  ticketId: number;
  ticket: { number: string; title: string };
  unitName: string | null;
  payload: Record<string, unknown>;
};

/** The kinds each user received for ticket `ticketId`, from the database (every user of the world). */
async function received(ticketId: number) {
  const rows = await deps.db.select().from(userNotifications).where(eq(userNotifications.ticketId, ticketId));
  const by = new Map<number, string[]>();
  for (const r of rows) by.set(r.userId, [...(by.get(r.userId) ?? []), r.kind].sort());
  return (u: TestUser) => by.get(u.id) ?? [];
}
const everyone = () => [
  w.operator,
  w.clerk,
  w.dispatcher,
  dispatcher2,
  w.callbackAgent,
  w.supervisor,
  w.admin,
  w.portal,
  w.handlerA,
  w.leaderA,
  w.handlerCommunityA,
  w.handlerDistrictA,
  w.handlerB,
  w.handlerDept,
];
/** Asserts exactly these users received exactly these kinds for the ticket; everybody else nothing. */
async function expectReceived(ticketId: number, want: [TestUser, string[]][]) {
  const of = await received(ticketId);
  for (const u of everyone()) {
    const expected = want.find(([x]) => x.id === u.id)?.[1] ?? [];
    expect(of(u), `${u.username} (${u.role})`).toEqual([...expected].sort());
  }
}

describe('who receives what', () => {
  it('a dispatch reaches the lead and assisting units’ users (not the dispatcher, not the units above, not another unit)', async () => {
    at('2026-03-10 09:00');
    const v = await flow.dispatched([w.units.department.id]);
    await expectReceived(v.id, [
      [w.handlerA, ['dispatched']],
      [w.leaderA, ['dispatched']],
      [w.handlerDept, ['dispatched']],
    ]);
    const list = await get(w.handlerA, '/api/inbox');
    expect(list.status).toBe(200);
    const item = (list.body.items as Item[]).find((i) => i.ticketId === v.id)!;
    expect(item).toMatchObject({ kind: 'dispatched', ticket: { number: v.number }, unitName: '甲街道', payload: { event: 'dispatch' } });
  });

  it('a reply asks every dispatcher for review; the decision reaches the unit; a reopen reaches it as 重办', async () => {
    at('2026-03-10 09:30');
    const review = await flow.awaitingReview();
    let of = await received(review.id);
    for (const d of [w.dispatcher, dispatcher2]) expect(of(d)).toEqual(['review_requested']);
    expect(of(w.supervisor)).toEqual([]);
    const approved = await flow.ticket(w.dispatcher, review, 'reply/approve');
    of = await received(review.id);
    expect(of(w.handlerA)).toEqual(['dispatched', 'review_decided']);
    const disputed = await flow.ticket(w.callbackAgent, approved, 'callback', { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    await flow.ticket(w.supervisor, disputed, 'reopen', { reason: '诉求人反映问题仍未解决' });
    await expectReceived(review.id, [
      [w.handlerA, ['dispatched', 'reopened', 'review_decided']],
      [w.leaderA, ['dispatched', 'reopened', 'review_decided']],
      [w.dispatcher, ['review_requested']],
      [dispatcher2, ['review_requested']],
    ]);
    const reopened = ((await get(w.leaderA, '/api/inbox?unread=true')).body.items as Item[]).find((i) => i.kind === 'reopened')!;
    expect(reopened).toMatchObject({ ticketId: review.id, payload: { event: 'reopen', redo: 1 } });
  });

  it('a request and its decision: an extension asked of the centre, then rejected', async () => {
    at('2026-03-10 10:00');
    const v = await flow.inProgress();
    const asked = await flow.assignment(w.handlerA, v, leadOf(v), 'extension', {
      reason: '需协调多个部门',
      requestedDueAt: shanghai('2026-03-30 17:00').toISOString(),
    });
    expect((await received(v.id))(w.dispatcher)).toEqual(['review_requested']);
    await flow.ticket(w.dispatcher, asked, 'extension/reject', { note: '时限充足' });
    const of = await received(v.id);
    expect(of(w.handlerA)).toEqual(['dispatched', 'review_decided']);
    expect(of(w.handlerB)).toEqual([]);
  });

  it('督办 reaches the lead unit; the sweep’s warning levels reach the unit whose clock it is', async () => {
    at('2026-03-11 09:00');
    const v = await flow.dispatched();
    await flow.ticket(w.supervisor, v, 'supervise', { reason: '请尽快签收办理' });
    // Signing within 2 hours: yellow, red and overdue have all passed by noon.
    at('2026-03-11 12:00');
    await sweep(deps, deps.clock.now());
    const rows = await deps.db
      .select()
      .from(userNotifications)
      .where(and(eq(userNotifications.ticketId, v.id), eq(userNotifications.userId, w.handlerA.id), eq(userNotifications.kind, 'warning')));
    expect(rows.map((r) => r.payload.level).sort()).toEqual(['overdue', 'red', 'yellow']);
    expect(rows.every((r) => r.payload.clock === 'sign')).toBe(true);
    await expectReceived(v.id, [
      [w.handlerA, ['dispatched', 'supervised', 'warning', 'warning', 'warning']],
      [w.leaderA, ['dispatched', 'supervised', 'warning', 'warning', 'warning']],
    ]);
    // A second sweep at the same instant fires nothing and writes nothing.
    await sweep(deps, deps.clock.now());
    expect((await received(v.id))(w.handlerA)).toHaveLength(5);
  });

  it('down the chain: a hand-down reaches the sub-unit; its reply asks the level above, whose decision comes back', async () => {
    at('2026-03-12 09:00');
    let v = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.districtA.id });
    v = await flow.assignment(w.handlerDistrictA, v, leadOf(v), 'sign');
    const handed = await post(w.handlerDistrictA, `/api/assignments/${leadOf(v).id}/hand-down`, { version: leadOf(v).version, leadUnitId: w.units.streetA.id });
    expect(handed.status, JSON.stringify(handed.body)).toBe(200);
    v = handed.body as View;
    const sub = () => v.assignments.findLast((a) => a.unit.id === w.units.streetA.id)!;
    v = await flow.assignment(w.handlerA, v, sub(), 'sign');
    v = await flow.assignment(w.handlerA, v, sub(), 'reply', { content: '已现场核实并处理完毕。' });
    let of = await received(v.id);
    expect(of(w.handlerA)).toEqual(['dispatched']);
    expect(of(w.handlerDistrictA)).toEqual(['dispatched', 'review_requested']);
    expect(of(w.dispatcher)).toEqual([]);
    await flow.assignment(w.handlerDistrictA, v, sub(), 'sub-reply/reject', { reason: '请补充现场照片' });
    of = await received(v.id);
    expect(of(w.handlerA)).toEqual(['dispatched', 'review_decided']);
    expect(of(w.handlerB)).toEqual([]);
  });

  it('one row per user, kind and event, however often the event is written', async () => {
    at('2026-03-12 10:00');
    const v = await flow.dispatched();
    const [dispatch] = await deps.db
      .select({ id: ticketEvents.id })
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, v.id), eq(ticketEvents.type, 'dispatch')));
    expect(await writeNotifications(deps.db, [dispatch!.id])).toEqual([]);
    expect((await received(v.id))(w.handlerA)).toEqual(['dispatched']);
  });
});

describe('reading and marking', () => {
  it('each user reads and marks only their own rows; counts follow', async () => {
    const fresh = await makeUser(deps.db, 'unit_handler', w.units.streetB);
    const none = await get(fresh, '/api/inbox/unread-count');
    expect(none.body).toEqual({ unread: 0 });
    at('2026-03-13 09:00');
    const a = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.streetB.id });
    const b = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.streetB.id });
    expect((await get(fresh, '/api/inbox/unread-count')).body).toEqual({ unread: 2 });
    const page1 = await get(fresh, '/api/inbox?limit=1');
    expect((page1.body.items as Item[]).map((i) => i.ticketId)).toEqual([b.id]);
    const page2 = await get(fresh, `/api/inbox?limit=1&before=${page1.body.nextBefore}`);
    expect((page2.body.items as Item[]).map((i) => i.ticketId)).toEqual([a.id]);
    expect(page2.body.nextBefore).toBeNull();

    const mine = (page1.body.items as Item[])[0]!;
    // Someone else's row is not found (not forbidden): nobody learns it exists, and it stays unread.
    expectProblem(await post(w.handlerA, `/api/inbox/${mine.id}/read`), 404, 'inbox_item_not_found');
    expect((await get(w.handlerA, '/api/inbox?limit=100')).body.items.some((i: Item) => i.id === mine.id)).toBe(false);
    const read = await post(fresh, `/api/inbox/${mine.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ unread: 1 });
    expect((await post(fresh, `/api/inbox/${mine.id}/read`)).body).toEqual({ unread: 1 });
    expect(((await get(fresh, '/api/inbox?unread=true')).body.items as Item[]).map((i) => i.ticketId)).toEqual([a.id]);

    // handlerB (same unit) has its own rows: marking all of fresh's leaves them unread.
    const before = (await get(w.handlerB, '/api/inbox/unread-count')).body.unread;
    expect((await post(fresh, '/api/inbox/read-all')).body).toEqual({ marked: 1, unread: 0 });
    expect((await get(fresh, '/api/inbox/unread-count')).body).toEqual({ unread: 0 });
    expect((await get(w.handlerB, '/api/inbox/unread-count')).body.unread).toBe(before);
    const rows = await deps.db
      .select()
      .from(userNotifications)
      .where(inArray(userNotifications.ticketId, [a.id, b.id]));
    expect(rows.filter((r) => r.userId === fresh.id).every((r) => r.readAt !== null)).toBe(true);
  });

  it('an intake client has no notification centre; bad input is a 400', async () => {
    expectProblem(await get(w.portal, '/api/inbox'), 403, 'forbidden');
    expectProblem(await get(w.handlerA, '/api/inbox?limit=0'), 400, 'validation_failed');
    expectProblem(await post(w.handlerA, '/api/inbox/abc/read'), 400, 'validation_failed');
  });
});
