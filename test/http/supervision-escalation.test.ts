/**
 * 督办 by level through the SLA sweep job: a 督办 still open and overdue one working day after its notice goes to
 * the leader of the level above (here on the make-up Saturday before Spring Festival, which a weekday rule would
 * skip), and three working days after that (the nine days off not counted) an accountability item (追责) is
 * recorded on the unit — once, even with two instances sweeping at the same moment. Then the supervisor lists and
 * resolves it, and the monthly report shows it.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../db/client.ts';
import { accountabilityItems, notifications, units } from '../../db/schema/index.ts';
import type { PublishedEvent } from '../../src/domain/events.ts';
import { EventBus } from '../../src/domain/events.ts';
import { DEFAULT_METRIC_SETTINGS } from '../../src/domain/metrics/definitions.ts';
import { computeMonthlyFigures } from '../../src/domain/reports/figures.ts';
import { reportHtml } from '../../src/domain/reports/html.ts';
import { parseKeyKinds } from '../../src/domain/supervision/kinds.ts';
import { slaSweepJob } from '../../src/jobs/sla-sweep.ts';
import { shanghai } from '../setup/calendar.ts';
import { driver } from '../setup/db.ts';
import { eventsOf, supervisionOf } from '../setup/sla.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { makeUser, seedCalendar, type TestUser } from '../setup/world.ts';
import { api, database, deps, flow, useApiWorld, w } from './api-world.ts';

const T0 = '2026-02-13T02:00:00.000Z'; // Friday 10:00 in Shanghai, the last weekday before Spring Festival
const DISTRICT_PHONE = '13900001111';

useApiWorld({ now: T0 });

/** The sweep job at a Shanghai wall-clock time, as the scheduler runs it (the clock set to the same instant). */
async function runAt(local: string, d = deps) {
  deps.clock.set(shanghai(local));
  return slaSweepJob.run(d, shanghai(local)) as Promise<{ escalated: number; accountable: number; overdue: number }>;
}

const t: Record<string, View> = {};
let districtLeader: TestUser;
const published: PublishedEvent[] = [];
const itemOf = async (v: View) => (await supervisionOf(deps.db, v.id)).find((s) => s.kind === 'supervision')!;

/** Signed and the caller contacted at once: only the completion clock (400 min, due Friday 16:40) runs on. */
async function working() {
  const v = await flow.inProgress();
  return flow.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: '已电话联系诉求人' });
}

beforeAll(async () => {
  await seedCalendar(deps.db);
  const policy = {
    name: '督办升级测试',
    categoryId: w.category.id,
    sign: { amount: 100, unit: 'natural_minutes' },
    response: { amount: 200, unit: 'natural_minutes' },
    complete: { amount: 400, unit: 'natural_minutes' },
  };
  expect((await api.call('POST', '/api/sla/policies', { token: w.admin.token, body: policy })).status).toBe(201);
  await deps.db.update(units).set({ notifyPhone: DISTRICT_PHONE }).where(eq(units.id, w.units.districtA.id));
  districtLeader = await makeUser(deps.db, 'unit_leader', w.units.districtA);
  deps.bus.subscribe((e) => published.push(e));
  t.late = await working(); // stays overdue
  t.resolved = await working(); // its 督办 resolved by the supervisor before it escalates
  t.replied = await working(); // replies after the 督办: no longer overdue
  expect((await runAt('2026-02-13 17:00')).overdue).toBe(3); // one completion 督办 each, opened Friday 17:00
  t.replied = await flow.assignment(w.handlerA, t.replied, leadOf(t.replied), 'reply', { content: '已协调施工单位停止夜间作业。' });
  const r = await api.call('POST', `/api/sla/supervision/${(await itemOf(t.resolved)).id}/resolve`, { token: w.supervisor.token });
  expect(r.status).toBe(200);
});

describe('escalation to the leader of the level above', () => {
  it('not before the close of the next working day: the make-up Saturday 2026-02-14 counts', async () => {
    expect(await runAt('2026-02-14 17:29')).toMatchObject({ escalated: 0, accountable: 0 });
    expect(await itemOf(t.late!)).toMatchObject({ escalationLevel: 1, escalatedAt: null, escalatedToUnitId: null });
  });

  it('at 17:30 that Saturday: level 2, the parent unit named, its leader told by SMS and by the ticket event', async () => {
    expect(await runAt('2026-02-14 17:30')).toMatchObject({ escalated: 1, accountable: 0 });
    const item = await itemOf(t.late!);
    expect(item).toMatchObject({ escalationLevel: 2, escalatedAt: shanghai('2026-02-14 17:30'), escalatedToUnitId: w.units.districtA.id });
    // The resolved 督办 and the one whose unit replied stay where they were.
    for (const v of [t.resolved!, t.replied!]) expect(await itemOf(v)).toMatchObject({ escalationLevel: 1, escalatedAt: null });

    const [event] = await eventsOf(deps.db, t.late!.id, 'supervision_escalated');
    expect(event).toMatchObject({
      actorId: null,
      assignmentId: leadOf(t.late!).id,
      payload: {
        supervisionId: item.id,
        unitId: w.units.streetA.id,
        toUnitId: w.units.districtA.id,
        clock: 'complete',
        level: 2,
        noticeAt: shanghai('2026-02-13 17:00').toISOString(),
      },
    });
    const sms = await deps.db.select().from(notifications).where(eq(notifications.template, 'supervision_escalated'));
    expect(sms).toMatchObject([{ ticketId: t.late!.id, audience: 'unit', unitId: w.units.districtA.id, recipient: DISTRICT_PHONE }]);
    expect(sms[0]!.body).toBe(`【12345热线】工单${t.late!.number}经督办后甲街道仍未办理（办结超期），已升级至贵单位负责同志，请督促办理。`);
    // Published to the level above's room (its leader's screen), and readable in the ticket's history by that leader.
    expect(published.find((e) => e.type === 'supervision_escalated')).toMatchObject({
      ticketId: t.late!.id,
      unitIds: expect.arrayContaining([w.units.districtA.id]),
    });
    const history = await api.call('GET', `/api/tickets/${t.late!.id}/events`, { token: districtLeader.token });
    expect(history.body.items.map((e: { type: string }) => e.type)).toContain('supervision_escalated');
    // Listed at level 2 among the key tickets.
    const key = await api.call('GET', '/api/supervision/key/overdue', { token: w.supervisor.token });
    expect(key.body.items.find((i: { ticket: { id: number } }) => i.ticket.id === t.late!.id)).toMatchObject({ escalationLevel: 2 });
  });

  it('once: the next passes write nothing more', async () => {
    expect(await runAt('2026-02-14 17:31')).toMatchObject({ escalated: 0, accountable: 0 });
    expect(await eventsOf(deps.db, t.late!.id, 'supervision_escalated')).toHaveLength(1);
  });
});

describe('accountability (追责) three working days after the escalation', () => {
  it('not during the nine days of Spring Festival, nor before the close of the third working day after (2026-02-26)', async () => {
    expect(await runAt('2026-02-23 17:30')).toMatchObject({ accountable: 0 });
    expect(await runAt('2026-02-26 17:29')).toMatchObject({ accountable: 0 });
    expect(await deps.db.select().from(accountabilityItems)).toEqual([]);
  });

  it(
    driver === 'postgres'
      ? 'at 17:30: two instances (two connection pools) sweeping at once record one item and one event'
      : 'at 17:30: two overlapping passes of one embedded instance record one item and one event',
    async () => {
      const second = driver === 'postgres' ? await connect({ url: (database as typeof database & { url?: string }).url!, max: 4 }) : null;
      try {
        const other = second ? { ...deps, db: second.db, database: second, bus: new EventBus() } : deps;
        deps.clock.set(shanghai('2026-02-26 17:30'));
        const results = await Promise.all(
          [deps, other, deps, other].map((d) => slaSweepJob.run(d, shanghai('2026-02-26 17:30')) as Promise<{ accountable: number }>),
        );
        expect(results.reduce((s, r) => s + r.accountable, 0)).toBe(1);
      } finally {
        await second?.close();
      }
      const items = await deps.db.select().from(accountabilityItems);
      const item = await itemOf(t.late!);
      expect(items).toMatchObject([
        {
          ticketId: t.late!.id,
          assignmentId: leadOf(t.late!).id,
          unitId: w.units.streetA.id,
          supervisionItemId: item.id,
          kind: 'overdue',
          reason: '甲街道办结超期，督办升级至上级领导后 3 个工作日仍未办理',
          createdBy: null,
          createdAt: shanghai('2026-02-26 17:30'),
          resolvedAt: null,
        },
      ]);
      expect((await eventsOf(deps.db, t.late!.id, 'accountability_recorded')).map((e) => e.payload)).toEqual([
        { accountabilityId: items[0]!.id, supervisionId: item.id, unitId: w.units.streetA.id, kind: 'overdue', reason: items[0]!.reason },
      ]);
      expect(await runAt('2026-02-27 17:30')).toMatchObject({ escalated: 0, accountable: 0 });
      expect(await deps.db.select().from(accountabilityItems)).toHaveLength(1);
    },
  );

  it('the supervisor lists it by unit and month and resolves it with a note, once', async () => {
    const list = (q: string, token = w.supervisor.token) => api.call('GET', `/api/accountability${q}`, { token });
    const [item] = (await list(`?month=2026-02&unitId=${w.units.streetA.id}`)).body.items;
    expect(item).toMatchObject({
      ticket: { id: t.late!.id, number: t.late!.number },
      unit: { id: w.units.streetA.id, name: '甲街道' },
      escalatedAt: shanghai('2026-02-14 17:30').toISOString(),
      escalatedToUnitId: w.units.districtA.id,
      kind: 'overdue',
      createdAt: shanghai('2026-02-26 17:30').toISOString(),
      resolvedAt: null,
    });
    expect((await list('?month=2026-03')).body.items).toEqual([]);
    expect((await list(`?unitId=${w.units.streetB.id}`)).body.items).toEqual([]);
    expect((await list('?month=2026-02', w.dispatcher.token)).body.items).toHaveLength(1);
    expectProblem(await list('', w.handlerA.token), 403, 'forbidden');
    expectProblem(await list('?month=2026-13'), 400, 'validation_failed');

    const resolve = (body: unknown, token = w.supervisor.token) => api.call('POST', `/api/accountability/${item.id}/resolve`, { token, body });
    expectProblem(await resolve({ note: '已约谈' }, w.dispatcher.token), 403, 'forbidden');
    expectProblem(await resolve({}), 400, 'validation_failed');
    deps.clock.set(shanghai('2026-02-27 09:00'));
    const done = await resolve({ note: '已约谈街道负责人，限期整改' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: item.id, resolvedAt: shanghai('2026-02-27 09:00').toISOString(), resolvedBy: w.supervisor.id });
    expectProblem(await resolve({ note: '再次处理' }), 409, 'accountability_item_resolved');
    expect((await list('?open=true')).body.items).toEqual([]);
    expect((await list('?open=false')).body.items).toMatchObject([{ id: item.id, resolutionNote: '已约谈街道负责人，限期整改' }]);
    expectProblem(
      await api.call('POST', '/api/accountability/99999999/resolve', { token: w.supervisor.token, body: { note: '不存在' } }),
      404,
      'accountability_item_not_found',
    );
  });

  it("the month's report shows the escalation and the item by unit, and the key tickets at the time", async () => {
    const f = await computeMonthlyFigures(deps.db, '2026-02', {
      settings: DEFAULT_METRIC_SETTINGS,
      now: deps.clock.now(),
      keyKinds: parseKeyKinds('overdue;repeat>=3'),
    });
    expect(f.keySupervision).toEqual({
      escalated: 1,
      recorded: 1,
      resolved: 1,
      byUnit: [{ unit: { id: w.units.streetA.id, name: '甲街道' }, count: 1, resolved: 1 }],
      items: [
        {
          number: t.late!.number,
          unit: '甲街道',
          reason: '甲街道办结超期，督办升级至上级领导后 3 个工作日仍未办理',
          createdAt: shanghai('2026-02-26 17:30').toISOString(),
          resolvedAt: shanghai('2026-02-27 09:00').toISOString(),
        },
      ],
      key: [
        { kind: 'overdue', title: '超期未办结', count: 2, tickets: 2 },
        { kind: 'repeat', title: '重复来电（≥3次）', count: 0, tickets: 0 },
      ],
    });
    const html = reportHtml(f);
    expect(html).toContain('<h3>督办升级与追责</h3>');
    expect(html).toContain('升级至上级单位领导的 1 次');
    expect(html).toContain(`<td>${t.late!.number}</td><td>甲街道</td>`);
    expect(html).toContain('超期未办结 2 件，重复来电（≥3次） 0 件');
  });
});
