/**
 * Triage at the receiving level (研判分类): the triage clock a dispatch to a district starts, the command and its
 * refusals, the quick-reply clock of an ordinary ticket, the unit's triage desk with its warning levels, the two
 * rates on /api/metrics/triage and the monthly report's section. The 2025–2026 calendar is seeded; times are
 * Asia/Shanghai wall-clock times set on the fixed clock.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignments, categories } from '../../db/schema/index.ts';
import { DEFAULT_METRIC_SETTINGS } from '../../src/domain/metrics/definitions.ts';
import { computeMonthlyFigures } from '../../src/domain/reports/figures.ts';
import { reportHtml } from '../../src/domain/reports/html.ts';
import { shanghai } from '../setup/calendar.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { makeCategoryLeaf, makeUser, seedCalendar, type TestUser } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ prepare: (fresh) => seedCalendar(fresh.db) });

let handlerB: TestUser;
let leaderDistrictA: TestUser;
beforeAll(async () => {
  handlerB = await makeUser(deps.db, 'unit_handler', w.units.districtB);
  leaderDistrictA = await makeUser(deps.db, 'unit_leader', w.units.districtA);
});

const at = (local: string) => deps.clock.set(shanghai(local).toISOString());
const iso = (local: string) => shanghai(local).toISOString();
const post = (user: TestUser, path: string, body: unknown) => api.call('POST', path, { token: user.token, body });
const get = (user: TestUser, path: string) => api.call('GET', path, { token: user.token });

/** A new ticket dispatched at `local` to `unitId` (lead), with any assisting units. */
async function dispatched(local: string, unitId: number, assistUnitIds: number[] = []) {
  at(local);
  return flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: unitId, assistUnitIds });
}
const sign = (user: TestUser, v: View) => flow.assignment(user, v, leadOf(v), 'sign');
const triage = (user: TestUser, v: View, body: Record<string, unknown>) =>
  post(user, `/api/assignments/${leadOf(v).id}/triage`, { version: leadOf(v).version, ...body });
const row = async (id: number) => (await deps.db.select().from(assignments).where(eq(assignments.id, id)))[0]!;
const triageEvent = async (id: number) => {
  const r = await get(w.dispatcher, `/api/tickets/${id}/events`);
  return (r.body.items as { type: string; payload: Record<string, unknown> }[]).find((e) => e.type === 'triage');
};

describe('the triage clock (受理研判时限)', () => {
  it('starts at a dispatch to a district: one working day on the calendar, across a weekend and a holiday', async () => {
    // Friday → the close of Monday; the day before National Day → the close of the first working day after it.
    const friday = await dispatched('2026-03-13 10:00', w.units.districtA.id);
    expect((await row(leadOf(friday).id)).triageDueAt?.toISOString()).toBe(iso('2026-03-16 17:30'));
    const holiday = await dispatched('2026-09-30 10:00', w.units.districtA.id);
    expect((await row(leadOf(holiday).id)).triageDueAt?.toISOString()).toBe(iso('2026-10-08 17:30'));
    // Not the receiving level: a street, and a district that only assists.
    const street = await dispatched('2026-03-13 10:00', w.units.streetA.id, [w.units.districtB.id]);
    for (const a of street.assignments) expect((await row(a.id)).triageDueAt).toBeNull();
  });

  it("starts at intake's auto-dispatch too", async () => {
    at('2026-03-10 10:00');
    const c = await makeCategoryLeaf(deps.db, '研判测试小类');
    await deps.db.update(categories).set({ autoDispatch: true }).where(eq(categories.id, c.leaf.id));
    const rule = await post(w.admin, '/api/routing/rules', { name: '研判自动派单', leadMode: 'unit', categoryId: c.leaf.id, leadUnitId: w.units.districtA.id });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const t = await flow.create({ categoryId: c.leaf.id });
    expect(leadOf(t).unit.id).toBe(w.units.districtA.id);
    expect((await row(leadOf(t).id)).triageDueAt?.toISOString()).toBe(iso('2026-03-11 17:30'));
  });

  it('past the calendar table is not guessed: no deadline, pending in the rate on the dispatch day, in time once triaged', async () => {
    const v = await dispatched('2026-12-31 10:00', w.units.districtA.id);
    expect((await row(leadOf(v).id)).triageDueAt).toBeNull();
    const december = await get(w.supervisor, `/api/metrics/triage?period=month&from=2026-12&unitId=${w.units.districtA.id}`);
    expect(december.status, JSON.stringify(december.body)).toBe(200);
    expect(december.body.rows[0].metrics.triage_on_time_rate).toMatchObject({ numerator: 0, denominator: 0, pending: 1, value: null });
    at('2026-12-31 10:30');
    const ok = await triage(w.handlerDistrictA, await sign(w.handlerDistrictA, v), { level: 'complex' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await triageEvent(v.id))!.payload).toMatchObject({ triageDueAt: null, onTime: true });
    const after = await get(w.supervisor, `/api/metrics/triage?period=month&from=2026-12&unitId=${w.units.districtA.id}`);
    expect(after.body.rows[0].metrics.triage_on_time_rate).toMatchObject({ numerator: 1, denominator: 1, pending: 0, value: 1 });
  });
});

describe('POST /api/assignments/:id/triage', () => {
  it('refuses before signing, at a level that does not triage, twice, and on a sub-assignment', async () => {
    const v = await dispatched('2026-03-10 10:00', w.units.districtA.id);
    expectProblem(await triage(w.handlerDistrictA, v, { level: 'ordinary' }), 409, 'invalid_transition');
    expectProblem(await triage(w.handlerDistrictA, v, { level: 'urgent' }), 400, 'validation_failed');

    const street = await sign(w.handlerA, await dispatched('2026-03-10 10:00', w.units.streetA.id));
    expectProblem(await triage(w.handlerA, street, { level: 'ordinary' }), 422, 'triage_not_receiving_level');

    const signed = await sign(w.handlerDistrictA, v);
    const ok = await triage(w.handlerDistrictA, signed, { level: 'complex', note: '涉及多部门，需协调' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('in_progress');
    expectProblem(await triage(w.handlerDistrictA, ok.body, { level: 'ordinary' }), 409, 'already_triaged');

    // A sub-assignment of a triaging kind: the centre's dispatch is triaged, never what is handed down.
    const [sub] = await deps.db
      .insert(assignments)
      .values({ ticketId: v.id, unitId: w.units.districtB.id, role: 'lead', status: 'in_progress', parentId: leadOf(v).id, dispatchedAt: deps.clock.now() })
      .returning();
    expectProblem(await post(handlerB, `/api/assignments/${sub!.id}/triage`, { version: sub!.version, level: 'ordinary' }), 422, 'triage_not_receiving_level');
    expect((await row(sub!.id)).triage).toBeNull();
  });

  it('ordinary: records the level and starts the quick-reply clock from the receipt; on time until the deadline itself', async () => {
    const v = await sign(w.handlerDistrictA, await dispatched('2026-03-10 10:00', w.units.districtA.id));
    at('2026-03-10 10:20');
    const ok = await triage(w.handlerDistrictA, v, { level: 'ordinary' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const a = await row(leadOf(v).id);
    expect(a).toMatchObject({ triage: 'ordinary', triagedBy: w.handlerDistrictA.id });
    expect(a.triagedAt?.toISOString()).toBe(iso('2026-03-10 10:20'));
    expect(a.quickReplyDueAt?.toISOString()).toBe(iso('2026-03-10 11:00'));
    expect((await triageEvent(v.id))!.payload).toEqual(
      expect.objectContaining({ level: 'ordinary', note: null, onTime: true, triageDueAt: iso('2026-03-11 17:30'), quickReplyDueAt: iso('2026-03-10 11:00') }),
    );

    // Complex: no quick-reply clock. Exactly at the deadline is on time, a minute after it is late.
    const onTime = await sign(w.handlerDistrictA, await dispatched('2026-03-10 10:00', w.units.districtA.id));
    at('2026-03-11 17:30');
    expect((await triage(w.handlerDistrictA, onTime, { level: 'complex' })).status).toBe(200);
    expect((await triageEvent(onTime.id))!.payload).toMatchObject({ level: 'complex', onTime: true, quickReplyDueAt: null });
    expect((await row(leadOf(onTime).id)).quickReplyDueAt).toBeNull();
    const late = await sign(w.handlerDistrictA, await dispatched('2026-03-10 10:00', w.units.districtA.id));
    at('2026-03-11 17:31');
    expect((await triage(w.handlerDistrictA, late, { level: 'complex' })).status).toBe(200);
    expect((await triageEvent(late.id))!.payload).toMatchObject({ onTime: false, triageDueAt: iso('2026-03-11 17:30') });
  });

  it('two users of the district triaging at once: exactly one wins, with one event and its own level', async () => {
    const v = await sign(w.handlerDistrictA, await dispatched('2026-03-10 10:00', w.units.districtA.id));
    at('2026-03-10 10:20');
    const tries = [
      { user: w.handlerDistrictA, level: 'ordinary' },
      { user: leaderDistrictA, level: 'complex' },
    ];
    const results = await Promise.all(tries.map((t) => triage(t.user, v, { level: t.level })));
    expect(results.map((r) => r.status).sort(), JSON.stringify(results.map((r) => r.body))).toEqual([200, 409]);
    expectProblem(results.find((r) => r.status === 409)!, 409, 'version_conflict');
    const won = tries[results.findIndex((r) => r.status === 200)]!;
    const a = await row(leadOf(v).id);
    expect(a).toMatchObject({ triage: won.level, triagedBy: won.user.id, version: leadOf(v).version + 1 });
    expect(a.quickReplyDueAt === null).toBe(won.level === 'complex');
    const events = (await get(w.dispatcher, `/api/tickets/${v.id}/events`)).body.items as { type: string }[];
    expect(events.filter((e) => e.type === 'triage')).toHaveLength(1);
  });
});

describe('the triage desk (GET /api/triage/queue)', () => {
  type Item = {
    assignmentId: number;
    triage: string | null;
    clocks: Record<'triage' | 'quickReply', { level: string; state: string; dueAt: string; yellowAt: string; redAt: string } | null>;
  };
  const item = async (assignmentId: number) => {
    const r = await get(w.handlerDistrictA, '/api/triage/queue');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return (r.body.items as Item[]).find((i) => i.assignmentId === assignmentId);
  };

  it('warns at 75 % and 90 % of the working time and goes overdue after the deadline; an ordinary ticket stays until replied', async () => {
    const v = await dispatched('2026-03-10 10:00', w.units.districtA.id);
    const id = leadOf(v).id;
    // 780 working minutes (Tue 10:00–17:30 less lunch, Wed 09:00–17:30 less lunch): yellow after 585, red after 702.
    at('2026-03-11 14:14');
    expect((await item(id))!.clocks.triage).toMatchObject({
      level: 'none',
      state: 'running',
      dueAt: iso('2026-03-11 17:30'),
      yellowAt: iso('2026-03-11 14:15'),
      redAt: iso('2026-03-11 16:12'),
    });
    at('2026-03-11 14:15');
    expect((await item(id))!.clocks.triage!.level).toBe('yellow');
    at('2026-03-11 16:12');
    expect((await item(id))!.clocks.triage!.level).toBe('red');
    at('2026-03-11 17:31');
    expect((await item(id))!.clocks.triage).toMatchObject({ level: 'overdue', state: 'missed' });
    expect(await item(leadOf(await dispatched('2026-03-10 10:00', w.units.streetA.id)).id)).toBeUndefined();

    // Ordinary: on the desk until the reply, with the quick-reply clock (yellow at 45 of 60 minutes).
    const o = await sign(w.handlerDistrictA, await dispatched('2026-03-10 10:00', w.units.districtA.id));
    at('2026-03-10 10:20');
    const triaged = (await triage(w.handlerDistrictA, o, { level: 'ordinary' })).body as View;
    at('2026-03-10 10:45');
    expect(await item(leadOf(o).id)).toMatchObject({
      triage: 'ordinary',
      clocks: { triage: { state: 'met' }, quickReply: { level: 'yellow', state: 'running' } },
    });
    await flow.assignment(w.handlerDistrictA, triaged, leadOf(triaged), 'reply', { content: '已联系诉求人并答复处理意见，问题已解决。' });
    expect(await item(leadOf(o).id)).toBeUndefined();
  });
});

describe('the rates and the monthly report', () => {
  /** A district's ticket: dispatched, signed 5 minutes later, triaged and replied at the times given (null: never). */
  async function journey(
    user: TestUser,
    unitId: number,
    dispatch: string,
    level: 'ordinary' | 'complex' | null,
    triagedAt: string | null,
    repliedAt: string | null,
  ) {
    let v = await dispatched(dispatch, unitId);
    if (!level) return;
    v = await sign(user, v);
    at(triagedAt!);
    v = (await triage(user, v, { level })).body as View;
    if (!repliedAt) return;
    at(repliedAt);
    await flow.assignment(user, v, leadOf(v), 'reply', { content: '已联系诉求人并答复处理意见，问题已解决。' });
  }

  beforeAll(async () => {
    const A = w.units.districtA.id;
    // District A, May 2026: quick reply 1 of 3 ordinary (50 min; 70 min; never), triage 3 of 5 on time
    // (two late: triaged the day after its deadline, and never triaged).
    await journey(w.handlerDistrictA, A, '2026-05-12 10:00', 'ordinary', '2026-05-12 10:10', '2026-05-12 10:50');
    await journey(w.handlerDistrictA, A, '2026-05-12 11:00', 'ordinary', '2026-05-12 11:30', '2026-05-12 12:10');
    await journey(w.handlerDistrictA, A, '2026-05-13 10:00', 'ordinary', '2026-05-13 10:30', null);
    await journey(w.handlerDistrictA, A, '2026-05-13 10:00', 'complex', '2026-05-15 09:00', null);
    await journey(w.handlerDistrictA, A, '2026-05-14 10:00', null, null, null);
    // District B: one complex ticket triaged in time; a street's ticket counts nowhere.
    await journey(handlerB, w.units.districtB.id, '2026-05-12 10:00', 'complex', '2026-05-12 10:30', null);
    await journey(w.handlerA, w.units.streetA.id, '2026-05-12 10:00', null, null, null);
    at('2026-06-01 09:00');
  });

  it('普通件1小时答复率 and 研判按时率 per receiving unit and in total, by the deadline’s month', async () => {
    const byUnit = await get(w.supervisor, '/api/metrics/triage?period=month&from=2026-05&groupBy=unit');
    expect(byUnit.status, JSON.stringify(byUnit.body)).toBe(200);
    const rates = (unitId: number) => byUnit.body.rows.find((r: { group: { id: number } }) => r.group.id === unitId)?.metrics;
    expect(rates(w.units.districtA.id)).toMatchObject({
      quick_reply_rate: { numerator: 1, denominator: 3, value: 1 / 3, name: '普通件1小时答复率' },
      triage_on_time_rate: { numerator: 3, denominator: 5, value: 0.6, name: '研判按时率' },
    });
    expect(rates(w.units.districtB.id)).toMatchObject({
      quick_reply_rate: { numerator: 0, denominator: 0, value: null },
      triage_on_time_rate: { numerator: 1, denominator: 1, value: 1 },
    });
    expect(rates(w.units.streetA.id)).toBeUndefined();
    const total = await get(w.supervisor, '/api/metrics/triage?period=month&from=2026-04&to=2026-05');
    expect(
      total.body.rows.map((r: { bucket: string; metrics: Record<'quick_reply_rate' | 'triage_on_time_rate', { numerator: number; denominator: number }> }) => [
        r.bucket,
        r.metrics.quick_reply_rate.numerator,
        r.metrics.quick_reply_rate.denominator,
        r.metrics.triage_on_time_rate.numerator,
        r.metrics.triage_on_time_rate.denominator,
      ]),
    ).toEqual([
      ['2026-04', 0, 0, 0, 0],
      ['2026-05', 1, 3, 4, 6],
    ]);
    // A unit reads its own subtree only.
    const own = await get(handlerB, '/api/metrics/triage?period=month&from=2026-05');
    expect(own.body.rows[0].metrics.triage_on_time_rate).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('the monthly report has a section with both rates, per unit, and their definitions', async () => {
    const triageSettings = { kinds: ['district'], replyMinutes: 60, acceptDays: 1 };
    const f = await computeMonthlyFigures(deps.db, '2026-05', { settings: DEFAULT_METRIC_SETTINGS, now: deps.clock.now(), triage: triageSettings });
    expect(f.triage!.rates.map((r) => [r.key, r.numerator, r.denominator])).toEqual([
      ['quick_reply_rate', 1, 3],
      ['triage_on_time_rate', 4, 6],
    ]);
    expect(f.triage!.units.find((u) => u.unit.id === w.units.districtA.id)!.rates.triage_on_time_rate).toMatchObject({ numerator: 3, denominator: 5 });
    const html = reportHtml(f);
    expect(html).toContain('十、研判分类时效');
    expect(html).toContain('普通件1小时答复率 33.3%（1 / 3');
    expect(html).toContain('研判按时率 66.7%（4 / 6');
    expect(html).toContain('甲区');
  });
});
