import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, type World } from '../setup/world.ts';
import { expectProblem } from '../setup/ticket-flow.ts';
import { categories, systemAlerts } from '../../db/schema/index.ts';
import { createTicket } from '../../src/domain/tickets/commands/intake.ts';
import { createTicketInput } from '../../src/domain/tickets/inputs.ts';
import { hotspotsForPeriod, type RepeatedDemand } from '../../src/domain/hotspots/detect.ts';
import { detectHotspots } from '../../src/domain/hotspots/spike-alerts.ts';
import type { Database } from '../../db/client.ts';

// Tuesday 2026-03-10 12:00 Asia/Shanghai. The current week is Shanghai 03-04 … 03-10; the 8 weeks before it the baseline.
const T0 = '2026-03-10T04:00:00.000Z';
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;
let leaf2Id: number;
let seq = 0;
const spikeTickets: number[] = [];
let linkedTarget = 0;

/** One ticket through the real intake command, at a given instant; distinct caller and address unless given. */
async function ticketAt(at: number, over: { categoryId?: number; streetUnitId: number; phone?: string; address?: string }) {
  seq++;
  deps.clock.set(new Date(at));
  const input = createTicketInput.parse({
    type: 'complaint',
    categoryId: over.categoryId ?? w.category.id,
    content: `夜间施工噪音扰民，第${seq}次反映，请有关部门处理`,
    address: over.address ?? `测试路${seq}号`,
    streetUnitId: over.streetUnitId,
    caller: { name: '市民', phone: over.phone ?? `137${String(seq).padStart(8, '0')}` },
  });
  const r = await createTicket(deps, w.operator.actor, input);
  return r.ticket.id;
}

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, T0);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
  // A second leaf under the same level-2 category: spikes are counted at level 2.
  const [leaf2] = await deps.db
    .insert(categories)
    .values({ code: `t-leaf2-${Date.now()}`, name: '油烟扰民', level: 3, parentId: w.parentCategory.id })
    .returning();
  leaf2Id = leaf2!.id;
  const t0 = new Date(T0).getTime();
  const A = w.units.streetA.id;
  const B = w.units.streetB.id;
  for (let week = 1; week <= 8; week++) {
    // Street A: one ticket of each leaf a week (2 a week at level 2)
    await ticketAt(t0 - week * WEEK - 1 * HOUR, { streetUnitId: A });
    await ticketAt(t0 - week * WEEK - 2 * HOUR, { streetUnitId: A, categoryId: leaf2Id });
    // Street B: a flat 5 a week
    for (let i = 0; i < 5; i++) await ticketAt(t0 - week * WEEK - (3 + i) * HOUR, { streetUnitId: B });
  }
  // This week: street A 4 + 4 (neither leaf reaches 5 alone; level 2 has 8 > 2 + 3·√2 = 6.24); street B 5 again.
  for (let i = 0; i < 4; i++) spikeTickets.push(await ticketAt(t0 - (1 + i) * HOUR, { streetUnitId: A }));
  for (let i = 0; i < 4; i++) spikeTickets.push(await ticketAt(t0 - (5 + i) * HOUR, { streetUnitId: A, categoryId: leaf2Id }));
  for (let i = 0; i < 5; i++) await ticketAt(t0 - (10 + i) * HOUR, { streetUnitId: B });
  // Repeated demands within 30 days: one caller three times; one address and category three times; two callers twice (not listed).
  for (const days of [2, 9, 20]) await ticketAt(t0 - days * 24 * HOUR - 20 * HOUR, { streetUnitId: B, phone: '13900001111' });
  for (const days of [1, 3, 25]) await ticketAt(t0 - days * 24 * HOUR - 21 * HOUR, { streetUnitId: B, address: '乙区 和平路 8号' });
  for (const days of [1, 40, 50]) await ticketAt(t0 - days * 24 * HOUR - 22 * HOUR, { streetUnitId: B, phone: '13900002222' }); // only one within 30 days
  // A ticket two more calls were linked into as repeats (重复件): 3 contacts on one ticket.
  linkedTarget = await ticketAt(t0 - 3 * 24 * HOUR, { streetUnitId: B });
  for (const h of [30, 50]) {
    deps.clock.set(new Date(t0 - 3 * 24 * HOUR + h * HOUR));
    const input = createTicketInput.parse({
      type: 'complaint',
      categoryId: w.category.id,
      content: '同一噪音问题再次来电反映，仍未解决',
      caller: { phone: `1360000000${h / 10}` },
      disposition: { kind: 'repeat', ticketId: linkedTarget },
    });
    await createTicket(deps, w.operator.actor, input);
  }
  deps.clock.set(T0);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await database?.close();
});

const get = (path: string, token: string) => api.call('GET', path, { token });

describe('GET /api/hotspots', () => {
  it('flags the category × street spike of this week and not the flat street, with the rule stated', async () => {
    const r = await get('/api/hotspots', w.supervisor.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.window).toEqual({ from: '2026-03-03T16:00:00.000Z', to: '2026-03-10T16:00:00.000Z', countedUntil: T0 });
    expect(r.body.baseline).toEqual({ from: '2026-01-06T16:00:00.000Z', to: '2026-03-03T16:00:00.000Z' });
    expect(r.body.rule).toMatchObject({ weeks: 8, k: 3, minCount: 5, categoryLevel: 2 });
    expect(r.body.rule.text).toContain('σ = max(标准差, √均值, 1)');
    expect(r.body.spikes).toHaveLength(1);
    const s = r.body.spikes[0];
    expect(s).toMatchObject({
      categoryId: w.parentCategory.id,
      categoryName: '环境',
      streetUnitId: w.units.streetA.id,
      streetName: '甲街道',
      count: 8,
      baseline: [2, 2, 2, 2, 2, 2, 2, 2],
      mean: 2,
      sd: 0,
      sigma: 1.414,
      threshold: 6.243,
      topicIds: [],
    });
    expect([...s.ticketIds].sort((a: number, b: number) => a - b)).toEqual([...spikeTickets].sort((a, b) => a - b));
    // Street B had 5 this week as every week: not a spike.
    expect(r.body.spikes.some((x: { streetUnitId: number }) => x.streetUnitId === w.units.streetB.id)).toBe(false);
  });

  it('a past week (at=) has no spike, and a stricter k hides this one', async () => {
    const past = await get('/api/hotspots?at=2026-03-03', w.supervisor.token);
    expect(past.status, JSON.stringify(past.body)).toBe(200);
    expect(past.body.window).toMatchObject({ from: '2026-02-24T16:00:00.000Z', to: '2026-03-03T16:00:00.000Z', countedUntil: '2026-03-03T15:59:59.999Z' });
    expect(past.body.spikes).toEqual([]);
    const strict = await get('/api/hotspots?k=5', w.supervisor.token);
    expect(strict.body.spikes).toEqual([]); // 2 + 5·1.414 = 9.07 > 8
    expectProblem(await get('/api/hotspots?at=2026-02-31', w.supervisor.token), 400, 'validation_failed');
    expectProblem(await get('/api/hotspots?k=abc', w.supervisor.token), 400, 'validation_failed');
    expectProblem(await get('/api/hotspots?bogus=1', w.supervisor.token), 400, 'validation_failed');
  });

  it('lists repeated demands by caller (masked), by address and category, and by linked repeat contacts', async () => {
    const r = await get('/api/hotspots', w.dispatcher.token);
    expect(r.status).toBe(200);
    const repeats = r.body.repeats as (RepeatedDemand & { topicIds: number[] })[];
    const caller = repeats.filter((x) => x.kind === 'caller');
    expect(caller).toHaveLength(1);
    expect(caller[0]).toMatchObject({ key: '139****1111', count: 3, streetUnitId: w.units.streetB.id, streetName: '乙街道', categoryName: '噪音扰民' });
    expect(caller[0]!.ticketIds).toHaveLength(3);
    const address = repeats.filter((x) => x.kind === 'address');
    expect(address).toHaveLength(1);
    expect(address[0]).toMatchObject({ key: '乙区和平路8号', count: 3, categoryId: w.category.id });
    const linked = repeats.filter((x) => x.kind === 'linked');
    expect(linked).toHaveLength(1);
    expect(linked[0]).toMatchObject({ count: 3, ticketIds: [linkedTarget] });
    // No full phone number anywhere in the list.
    const text = JSON.stringify(r.body);
    expect(text).not.toMatch(/1[3-9]\d{9}/);
    expect(r.body.repeatRule).toMatchObject({ minTickets: 3, days: 30, to: T0 });
  });

  it('is for supervisors, admins and dispatchers only', async () => {
    expect((await get('/api/hotspots', w.admin.token)).status).toBe(200);
    for (const u of [w.operator, w.handlerA, w.leaderA, w.callbackAgent, w.portal]) expectProblem(await get('/api/hotspots', u.token), 403, 'forbidden');
    expectProblem(await api.call('GET', '/api/hotspots'), 401, 'unauthenticated');
  });
});

describe('hotspotsForPeriod (the monthly report uses it)', () => {
  it('compares any period with the equal-length periods before it', async () => {
    const r = await hotspotsForPeriod(deps.db, { from: new Date('2026-03-03T16:00:00Z'), to: new Date('2026-03-10T16:00:00Z'), now: new Date(T0) });
    expect(r.spikes.map((s) => [s.categoryId, s.streetUnitId, s.count])).toEqual([[w.parentCategory.id, w.units.streetA.id, 8]]);
    // repeats over [from, now): the caller's third ticket (20 days ago) is outside: none by caller
    expect(r.repeats.filter((x) => x.kind === 'caller')).toEqual([]);
  });
});

describe('hotspots job', () => {
  it('raises one system alert per spike for supervisors, once', async () => {
    const morning = new Date('2026-03-11T00:00:00Z'); // 08:00 Shanghai the next day: the 7 complete days before
    expect(await detectHotspots(deps, morning)).toEqual({ spikes: 1, raised: 1 });
    expect(await detectHotspots(deps, new Date(morning.getTime() + 24 * HOUR))).toMatchObject({ raised: 0 }); // same ISO week: no repeat alert
    const rows = await deps.db
      .select()
      .from(systemAlerts)
      .where(and(eq(systemAlerts.kind, 'hotspot_spike')));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.message).toContain('甲街道');
    expect(rows[0]!.details).toMatchObject({ categoryId: w.parentCategory.id, streetUnitId: w.units.streetA.id, count: 8 });
    const alerts = await get('/api/alerts?kind=hotspot_spike', w.supervisor.token);
    expect(alerts.body.items).toHaveLength(1);
  });
});

describe('board freshness', () => {
  it('reuses a detection for 5 minutes and says how fresh it is', async () => {
    const t0 = new Date(T0).getTime();
    deps.clock.set(new Date(t0 + 60_000));
    const first = await get('/api/hotspots', w.supervisor.token);
    for (let i = 0; i < 3; i++) await ticketAt(t0 + 2 * 60_000, { streetUnitId: w.units.streetA.id, phone: '13955556666' });
    deps.clock.set(new Date(t0 + 3 * 60_000));
    const cached = await get('/api/hotspots', w.supervisor.token);
    expect(cached.body.window.countedUntil).toBe(first.body.window.countedUntil);
    expect(cached.body.repeats.some((x: { key: string }) => x.key === '139****6666')).toBe(false);
    deps.clock.set(new Date(t0 + 7 * 60_000));
    const fresh = await get('/api/hotspots', w.supervisor.token);
    expect(fresh.body.window.countedUntil).toBe(new Date(t0 + 7 * 60_000).toISOString());
    expect(fresh.body.repeats.some((x: { key: string }) => x.key === '139****6666')).toBe(true);
  });
});
