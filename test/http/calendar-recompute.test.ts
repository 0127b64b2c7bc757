/**
 * No silent clock past the calendar and importing or editing the calendar recomputes.
 * The table covers 2025–2026 until the import in the second block: the tests run in order.
 * Working-time policy throughout: sign 1 working day, response 4 working hours, completion 5 working days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { slaPolicies, systemAlerts, ticketEvents } from '../../db/schema/index.ts';
import type { TicketEventType } from '../../src/contract/events.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, seedCalendar, type World } from '../setup/world.ts';
import { assistOf, leadOf, ticketFlow, type View } from '../setup/ticket-flow.ts';
import { assignmentById, warningsOf, workingTimeCategory } from '../setup/sla.ts';
import { shanghai } from '../setup/calendar.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { calendarCoverageJob } from '../../src/jobs/calendar-coverage.ts';
import { startJobs } from '../../src/jobs/schedule.ts';
import type { PublishedEvent } from '../../src/domain/events.ts';

let database: Database & { url?: string };
let deps: TestDeps;
let api: Api;
let w: World;
let flow: ReturnType<typeof ticketFlow>;
let categoryId: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, database.url ? { DATABASE_URL: database.url } : {}, shanghai('2026-12-31 18:00').toISOString());
  api = await startApi(deps, { realtime: true });
  w = await makeWorld(deps.db);
  await seedCalendar(deps.db);
  flow = ticketFlow(api, w);
  categoryId = await workingTimeCategory(deps, w, '工作日时限');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await api?.close();
  await database?.close();
});

type ClockView = { dueAt: string | null; state: string; level: string; awaitingCalendar: { date: string; year: number } | null };
type SlaView = View['assignments'][number] & {
  awaitingCalendar: { clock: string; date: string; year: number }[];
  sla: { clocks: Record<'sign' | 'response' | 'complete', ClockView>; clocksStoppedAt: string | null };
};
const sla = (a: View['assignments'][number]) => a as SlaView;
const iso = (local: string) => shanghai(local).toISOString();
const setLocal = (local: string) => deps.clock.set(iso(local));
const eventsOf = (ticketId: number, type: TicketEventType) =>
  deps.db
    .select()
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.type, type)))
    .orderBy(asc(ticketEvents.id));
const alertsOpen = async (kind = 'calendar_not_covered') => (await api.call('GET', `/api/alerts?kind=${kind}`, { token: w.supervisor.token })).body.items;
const waitingClocks = async () => {
  const r = await deps.db.execute(sql`select count(*)::int as n from assignments a, jsonb_array_elements(a.sla_waiting) x`);
  return Number((Array.isArray(r) ? r : (r as any).rows)[0].n);
};
const create = () => flow.create({ categoryId });
/**
 * After seconds of direct database work the client's pooled keep-alive socket may be closed by the server just
 * as the next request goes out (ECONNRESET): a cheap request first, retried once, so the one under test is not
 * the one that meets it.
 */
const warmUp = () => api.call('GET', '/api/calendar', { token: w.admin.token }).catch(() => api.call('GET', '/api/calendar', { token: w.admin.token }));
const dispatch = (v: View, assist: number[] = []) => flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: assist });
const sign = (v: View) => flow.assignment(w.handlerA, v, leadOf(v), 'sign');
const contact = (v: View) => flow.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: '已电话联系诉求人' });
const reply = (v: View) => flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已协调处理完毕，诉求人表示认可。' });

const DAYS_2027 = [
  { day: '2027-01-01', kind: 'holiday', name: '元旦' },
  { day: '2027-01-02', kind: 'holiday', name: '元旦' },
  { day: '2027-01-03', kind: 'holiday', name: '元旦' },
  { day: '2027-02-06', kind: 'holiday', name: '春节' },
  { day: '2027-02-07', kind: 'holiday', name: '春节' },
  { day: '2027-02-08', kind: 'holiday', name: '春节' },
  { day: '2027-02-09', kind: 'holiday', name: '春节' },
  { day: '2027-02-10', kind: 'holiday', name: '春节' },
];

/** The tickets the New Year's Eve story follows (filled in order by the tests). */
const nye: { main?: View; extended?: View; resumed?: View; reopened?: View } = {};

describe("New Year's Eve 2026 after working hours: no 2027 in the table", () => {
  it('the coverage warning is raised when the jobs start, not only at the next 08:00', async () => {
    setLocal('2026-11-15 21:00');
    const scheduled = startJobs(deps, [calendarCoverageJob]);
    try {
      for (let i = 0; i < 100 && (await alertsOpen('calendar_coverage')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const [alert] = await alertsOpen('calendar_coverage');
      expect(alert).toMatchObject({ dedupeKey: 'calendar_coverage:2026-12-31', details: { daysLeft: 46, nextYear: 2027 }, resolvedAt: null });
    } finally {
      await scheduled.stop();
    }
  });

  it('every working-time clock of the dispatch awaits the calendar: visible in the view, the list, Open311 and the alert; nothing fires', async () => {
    // A ticket dispatched earlier, reopened on New Year's Eve (its new completion clock waits too).
    setLocal('2026-12-21 10:00');
    let r = await reply(await contact(await sign(await dispatch(await create()))));
    r = await flow.ticket(w.dispatcher, r, 'reply/approve');
    nye.reopened = await flow.ticket(w.callbackAgent, r, 'callback', { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });

    setLocal('2026-12-31 18:00');
    let v = await dispatch(await create(), [w.units.department.id]);
    expect(v.status).toBe('awaiting_sign');
    for (const a of v.assignments.map(sla)) {
      expect(a.deadlines).toMatchObject({ sign: null, response: null, complete: null });
      for (const clock of ['sign', 'response', 'complete'] as const) {
        expect(a.sla.clocks[clock]).toMatchObject({
          dueAt: null,
          state: 'awaiting_calendar',
          level: 'none',
          awaitingCalendar: { date: '2027-01-01', year: 2027 },
        });
      }
      expect(a.awaitingCalendar.map((x) => `${x.clock}:${x.year}`)).toEqual(['sign:2027', 'response:2027', 'complete:2027']);
      expect(await assignmentById(deps.db, a.id)).toMatchObject({ slaMarks: [], nextCheckAt: null });
    }
    expect((v as View & { awaitingCalendar: unknown }).awaitingCalendar).toEqual({ date: '2027-01-01', year: 2027, clocks: 6 });
    const [dispatched] = await eventsOf(v.id, 'dispatch');
    expect(dispatched!.payload).toMatchObject({
      deadlines: { sign: null, response: null, complete: null },
      awaitingCalendar: [
        { clock: 'sign', date: '2027-01-01' },
        { clock: 'response', date: '2027-01-01' },
        { clock: 'complete', date: '2027-01-01' },
      ],
    });
    const list = await api.call('GET', `/api/tickets?number=${v.number}`, { token: w.dispatcher.token });
    expect(list.body.items[0]).toMatchObject({ number: v.number, awaitingCalendar: true });
    const open311 = await api.call('GET', `/open311/v2/requests/${v.number}.json`);
    expect(open311.body[0]).toMatchObject({ service_request_id: v.number, expected_datetime: null });

    // The assisting unit signs that evening: its sign clock stops while still waiting for a deadline to judge it by.
    setLocal('2026-12-31 19:00');
    v = await flow.assignment(w.handlerDept, v, assistOf(v, w.units.department.id), 'sign');
    expect(sla(assistOf(v, w.units.department.id)).sla.clocks.sign).toMatchObject({ state: 'awaiting_calendar', stoppedAt: iso('2026-12-31 19:00') });
    nye.main = v;

    // The reopen restarts the lead's completion clock, which waits too (and the reopen event says so).
    nye.reopened = await flow.ticket(w.supervisor, nye.reopened!, 'reopen', { reason: '诉求人反映问题仍未解决' });
    const reopenedLead = sla(leadOf(nye.reopened));
    expect(reopenedLead.sla.clocks.complete).toMatchObject({ state: 'awaiting_calendar', dueAt: null });
    expect((await assignmentById(deps.db, reopenedLead.id)).slaWaiting).toEqual([{ clock: 'complete', date: '2027-01-01', start: iso('2026-12-31 19:00') }]);
    expect((await eventsOf(nye.reopened.id, 'reopen')).at(-1)!.payload).toMatchObject({ completeDueAt: null });

    setLocal('2027-01-20 12:00'); // weeks later, 2027 still not imported: a waiting clock never warns (nor is it counted met)
    await sweep(deps, deps.clock.now());
    expect(await warningsOf(deps.db, v.id)).toEqual([]);
    setLocal('2026-12-31 19:00');
  });

  it('an extension sets a completion deadline by hand; a rejected reply and a rejected termination leave a waiting clock waiting', async () => {
    let e = await sign(await dispatch(await create()));
    e = await flow.assignment(w.handlerA, e, leadOf(e), 'extension', { reason: '节后才能协调', requestedDueAt: iso('2027-01-20 17:30') });
    e = await flow.ticket(w.dispatcher, e, 'extension/approve');
    const extended = sla(leadOf(e));
    expect(extended.sla.clocks.complete).toMatchObject({ dueAt: iso('2027-01-20 17:30'), state: 'running' });
    expect(extended.awaitingCalendar.map((x) => x.clock)).toEqual(['sign', 'response']);
    nye.extended = e;

    let r = await reply(await contact(await sign(await dispatch(await create()))));
    r = await flow.ticket(w.dispatcher, r, 'reply/reject', { reason: '答复内容不完整' });
    expect(sla(leadOf(r)).sla.clocks.complete.state).toBe('awaiting_calendar');
    r = await flow.assignment(w.handlerA, r, leadOf(r), 'termination', { reason: '诉求人已撤回' });
    r = await flow.ticket(w.dispatcher, r, 'termination/reject');
    expect(sla(leadOf(r)).sla.clocks.complete.state).toBe('awaiting_calendar');
    expect((await assignmentById(deps.db, leadOf(r).id)).slaWaiting.map((x) => x.clock)).toContain('complete');
    nye.resumed = r;
  });

  it('supervisors and admins see one alert for 2027 with the waiting clocks and their tickets; resolving it while they wait raises it again', async () => {
    const total = await waitingClocks();
    expect(total).toBeGreaterThanOrEqual(9);
    const [alert] = await alertsOpen();
    expect(alert).toMatchObject({
      dedupeKey: 'calendar_not_covered:2027',
      resolvedAt: null,
      details: { year: 2027, date: '2027-01-01', clocks: total, tickets: 4 },
    });
    expect(alert.details.sample.map((s: { number: string }) => s.number)).toContain(nye.main!.number);
    expect((await api.call('GET', '/api/alerts?kind=calendar_not_covered', { token: w.admin.token })).body.items).toHaveLength(1);

    const board = await api.call('GET', '/api/sla/awaiting-calendar', { token: w.supervisor.token });
    expect(board.body).toMatchObject({ clocks: total, tickets: 4, years: [{ year: 2027, clocks: total, tickets: 4 }] });
    expect(board.body.items.map((t: { number: string }) => t.number)).toContain(nye.main!.number);

    const resolved = await api.call('POST', `/api/alerts/${alert.id}/resolve`, { token: w.supervisor.token });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id: alert.id, resolvedAt: null, details: { clocks: total, reraisedAt: deps.clock.now().toISOString() } });
    expect((await alertsOpen()).map((a: { id: number }) => a.id)).toEqual([alert.id]);
  });
});

describe('importing 2027 recomputes every waiting clock in the same transaction', () => {
  it('deadlines, marks and events old → new; units hear it live; passed deadlines fire once at the next sweep; the alert resolves itself', async () => {
    const socket = connectClient(api.base, { auth: { token: w.handlerA.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
    const heard: { type: string; ticketId: number }[] = [];
    socket.on('ticket:event', (e: { type: string; ticketId: number }) => heard.push(e));
    const published: PublishedEvent[] = [];
    const off = deps.bus.subscribe((e) => published.push(e));

    setLocal('2027-01-05 09:00'); // imported late: the sign and response deadlines (1/4) have already passed
    const r = await api.call('POST', '/api/calendar/import', {
      token: w.admin.token,
      body: { year: 2027, source: '国务院办公厅关于2027年部分节假日安排的通知', days: DAYS_2027 },
    });
    off();
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.recomputed).toMatchObject({ stillWaiting: 0 });
    expect(r.body.recomputed.assignments).toBe(5);
    expect(await waitingClocks()).toBe(0);

    const main = await flow.get(w.dispatcher, nye.main!.id);
    const lead = sla(leadOf(main));
    expect(lead.deadlines).toMatchObject({ sign: iso('2027-01-04 17:30'), response: iso('2027-01-04 14:30'), complete: iso('2027-01-08 17:30') });
    expect(lead.sla.clocks.sign).toMatchObject({ state: 'missed', level: 'overdue', awaitingCalendar: null });
    expect(lead.sla.clocks.complete).toMatchObject({ state: 'running', awaitingCalendar: null });
    const assist = sla(assistOf(main, w.units.department.id));
    expect(assist.sla.clocks.sign).toMatchObject({ dueAt: iso('2027-01-04 17:30'), state: 'met', stoppedAt: iso('2026-12-31 19:00') });
    const assistRow = await assignmentById(deps.db, assist.id);
    expect(assistRow.slaMarks.map((m) => m.clock)).not.toContain('sign'); // a stopped clock gets its deadline, no marks
    expect((main as View & { awaitingCalendar: unknown }).awaitingCalendar).toBeNull();

    const events = await eventsOf(main.id, 'sla_recomputed');
    expect(events.map((e) => e.assignmentId)).toEqual([lead.id, assist.id]);
    expect(events[0]).toMatchObject({ actorId: null, version: main.version, public: false });
    expect(events[0]!.payload).toEqual({
      reason: 'calendar_import',
      cycle: 0,
      changes: [
        { clock: 'sign', from: null, to: iso('2027-01-04 17:30') },
        { clock: 'response', from: null, to: iso('2027-01-04 14:30') },
        { clock: 'complete', from: null, to: iso('2027-01-08 17:30') },
      ],
    });
    // Published after the commit to the units concerned, and forwarded to their sockets.
    expect(published.filter((e) => e.type === 'sla_recomputed').map((e) => e.ticketId)).toContain(main.id);
    expect(published.find((e) => e.assignmentId === lead.id)!.unitIds).toEqual(expect.arrayContaining([w.units.streetA.id, w.units.department.id]));
    for (let i = 0; i < 100 && !heard.some((e) => e.type === 'sla_recomputed' && e.ticketId === main.id); i++) await new Promise((res) => setTimeout(res, 30));
    expect(heard.some((e) => e.type === 'sla_recomputed' && e.ticketId === main.id)).toBe(true);

    // The reopened clock counts from the reopen; the deadline set by hand stays, its warnings are placed now.
    const reopened = sla(leadOf(await flow.get(w.dispatcher, nye.reopened!.id)));
    expect(reopened.deadlines.complete).toBe(iso('2027-01-08 17:30'));
    const extended = await assignmentById(deps.db, leadOf(nye.extended!).id);
    expect(extended.completeDueAt).toEqual(shanghai('2027-01-20 17:30'));
    expect(extended.slaMarks.filter((m) => m.clock === 'complete').map((m) => m.level)).toEqual(['yellow', 'red', 'overdue']);
    const extendedChanges = (await eventsOf(nye.extended!.id, 'sla_recomputed'))[0]!.payload.changes as { clock: string; to: string }[];
    expect(extendedChanges.map((c) => c.clock)).toEqual(['sign', 'response']); // the completion deadline set by hand did not move
    const resumed = sla(leadOf(await flow.get(w.dispatcher, nye.resumed!.id)));
    expect(resumed.sla.clocks.complete).toMatchObject({ dueAt: iso('2027-01-08 17:30'), state: 'running' });

    // The deadlines that had already passed fire at the next sweep, once.
    await sweep(deps, deps.clock.now());
    const fired = await warningsOf(deps.db, main.id);
    expect(fired.filter((x) => x.endsWith(':overdue')).sort()).toEqual(['response:overdue', 'response:overdue', 'sign:overdue']);
    await sweep(deps, deps.clock.now());
    expect(await warningsOf(deps.db, main.id)).toEqual(fired);

    // Nothing waits any more: the alert has resolved itself.
    expect(await alertsOpen()).toEqual([]);
    const [stored] = await deps.db.select().from(systemAlerts).where(eq(systemAlerts.dedupeKey, 'calendar_not_covered:2027'));
    expect(stored).toMatchObject({ resolvedAt: deps.clock.now(), details: { clocks: 0, resolvedBy: 'system' } });
    expect((await api.call('GET', '/api/sla/awaiting-calendar', { token: w.dispatcher.token })).body).toMatchObject({ clocks: 0, tickets: 0, items: [] });
    const open311 = await api.call('GET', `/open311/v2/requests/${main.number}.json`);
    expect(open311.body[0].expected_datetime).toBe('2027-01-08T17:30:00+08:00');
  });
});

describe('editing a day or the working hours recomputes the clocks it moves, never one already judged', () => {
  it('a local holiday moves running deadlines later, deleting it moves them back; stopped clocks and hand-set deadlines stay', async () => {
    setLocal('2027-03-01 10:00'); // Monday
    const running = await sign(await dispatch(await create()));
    const replied = await reply(await contact(await sign(await dispatch(await create()))));
    let extended = await sign(await dispatch(await create()));
    extended = await flow.assignment(w.handlerA, extended, leadOf(extended), 'extension', { reason: '需协调', requestedDueAt: iso('2027-03-12 17:30') });
    extended = await flow.ticket(w.dispatcher, extended, 'extension/approve');
    expect(leadOf(running).deadlines.complete).toBe(iso('2027-03-08 17:30'));

    setLocal('2027-03-01 12:00');
    const set = await api.call('PUT', '/api/calendar/days/2027-03-03', { token: w.admin.token, body: { kind: 'holiday', name: '地方节日' } });
    expect(set.status).toBe(200);
    expect(set.body.recomputed).toMatchObject({ assignments: 1, clocks: 1 }); // the running completion clock only
    const moved = sla(leadOf(await flow.get(w.handlerA, running.id)));
    expect(moved.deadlines).toMatchObject({ sign: iso('2027-03-02 17:30'), complete: iso('2027-03-09 17:30') }); // sign was before the day
    expect((await eventsOf(running.id, 'sla_recomputed')).map((e) => e.payload)).toEqual([
      { reason: 'calendar_day_set', cycle: 0, changes: [{ clock: 'complete', from: iso('2027-03-08 17:30'), to: iso('2027-03-09 17:30') }] },
    ]);
    const marks = (await assignmentById(deps.db, moved.id)).slaMarks.filter((m) => m.clock === 'complete');
    expect(marks.at(-1)).toEqual({ clock: 'complete', level: 'overdue', at: iso('2027-03-09 17:30') });
    expect(leadOf(await flow.get(w.handlerA, replied.id)).deadlines.complete).toBe(iso('2027-03-08 17:30')); // judged: never rewritten
    expect(await eventsOf(replied.id, 'sla_recomputed')).toEqual([]);
    expect(leadOf(await flow.get(w.handlerA, extended.id)).deadlines.complete).toBe(iso('2027-03-12 17:30'));
    expect(await eventsOf(extended.id, 'sla_recomputed')).toEqual([]);

    expect((await api.call('DELETE', '/api/calendar/days/2027-03-03', { token: w.admin.token })).status).toBe(204);
    expect(leadOf(await flow.get(w.handlerA, running.id)).deadlines.complete).toBe(iso('2027-03-08 17:30'));
    expect((await eventsOf(running.id, 'sla_recomputed')).at(-1)!.payload).toMatchObject({
      reason: 'calendar_day_deleted',
      changes: [{ clock: 'complete', to: iso('2027-03-08 17:30') }],
    });
  });

  it('a correction after a deadline has passed does not turn the miss into time left', async () => {
    setLocal('2027-03-03 09:00'); // Wednesday
    const v = await dispatch(await create());
    expect(leadOf(v).deadlines.response).toBe(iso('2027-03-03 14:30'));
    setLocal('2027-03-04 10:00'); // the response deadline has passed, no contact: missed
    expect((await api.call('PUT', '/api/calendar/days/2027-03-03', { token: w.admin.token, body: { kind: 'holiday', name: '更正：地方节日' } })).status).toBe(
      200,
    );
    const after = sla(leadOf(await flow.get(w.handlerA, v.id)));
    expect(after.deadlines.response).toBe(iso('2027-03-03 14:30')); // judged: never rewritten (recomputed, it would be 3/4 14:30)
    expect(after.sla.clocks.response).toMatchObject({ state: 'missed', level: 'overdue' });
    expect((await eventsOf(v.id, 'sla_recomputed')).flatMap((e) => (e.payload.changes as { clock: string }[]).map((c) => c.clock))).not.toContain('response');
    expect((await api.call('DELETE', '/api/calendar/days/2027-03-03', { token: w.admin.token })).status).toBe(204);
  });

  it('new working hours move the working-hour clocks still running', async () => {
    setLocal('2027-03-02 10:00');
    const v = await dispatch(await create());
    expect(leadOf(v).deadlines.response).toBe(iso('2027-03-02 15:30'));
    const hours = (h: { start: string; end: string }[]) => api.call('PUT', '/api/calendar/working-hours', { token: w.admin.token, body: { hours: h } });
    expect(
      (
        await hours([
          { start: '08:30', end: '12:00' },
          { start: '13:00', end: '17:00' },
        ])
      ).status,
    ).toBe(200);
    const after = leadOf(await flow.get(w.handlerA, v.id));
    expect(after.deadlines).toMatchObject({ response: iso('2027-03-02 15:00'), sign: iso('2027-03-03 17:00') });
    expect((await eventsOf(v.id, 'sla_recomputed')).at(-1)!.payload).toMatchObject({ reason: 'working_hours' });
    await hours([
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ]);
  });
});

describe('a large backlog recomputes in one transaction', () => {
  it('20,000 clocks waiting for 2028 recompute when 2028 is imported', async () => {
    const N = 20_000;
    const [policy] = (await deps.db.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.categoryId, categoryId))).map((r) => r.id);
    const start = iso('2027-12-31 18:00');
    await deps.db.execute(sql`
      insert into tickets (number, status, channel, type, category_id, title, content, created_at, updated_at, dispatched_at)
      select 'B' || lpad(g::text, 8, '0'), 'awaiting_sign', 'phone', 'complaint', ${categoryId}, '积压', '跨年积压的工单', ${start}::timestamptz, ${start}::timestamptz, ${start}::timestamptz
      from generate_series(1, ${N}) g`);
    await deps.db.execute(sql`
      insert into assignments (ticket_id, unit_id, role, status, dispatched_at, sla_policy_id, complete_started_at, sla_waiting)
      select t.id, ${w.units.streetB.id}, 'lead', 'awaiting_sign', ${start}::timestamptz, ${policy}, ${start}::timestamptz,
        jsonb_build_array(jsonb_build_object('clock', 'sign', 'date', '2028-01-01', 'start', ${start}::text),
                          jsonb_build_object('clock', 'response', 'date', '2028-01-01', 'start', ${start}::text),
                          jsonb_build_object('clock', 'complete', 'date', '2028-01-01', 'start', ${start}::text))
      from tickets t where t.number like 'B%'`);
    setLocal('2027-12-31 20:00');
    await warmUp();
    const began = Date.now();
    const r = await api.call('POST', '/api/calendar/import', {
      token: w.admin.token,
      body: { year: 2028, source: '测试 2028', days: [{ day: '2028-01-01', kind: 'holiday', name: '元旦' }] },
    });
    const took = Date.now() - began;
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.recomputed).toMatchObject({ assignments: N, clocks: 3 * N, stillWaiting: 0 });
    console.info(`recomputed ${N} assignments (${3 * N} clocks) in ${took} ms`);
    expect(took).toBeLessThan(120_000);
    const check = await deps.db.execute(sql`
      select count(*) filter (where a.complete_due_at = ${iso('2028-01-07 17:30')}::timestamptz and a.sla_waiting = '[]'::jsonb and a.next_check_at is not null)::int as done,
        (select count(*)::int from ticket_events e join tickets te on te.id = e.ticket_id where e.type = 'sla_recomputed' and te.number like 'B%') as events
      from assignments a join tickets t on t.id = a.ticket_id where t.number like 'B%'`);
    const row = (Array.isArray(check) ? check : (check as any).rows)[0];
    expect(Number(row.done)).toBe(N);
    expect(Number(row.events)).toBe(N);
  }, 180_000);
});
