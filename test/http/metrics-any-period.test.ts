import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, type World } from '../setup/world.ts';
import { expectProblem, leadOf, ticketFlow, type View } from '../setup/ticket-flow.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import type { Database } from '../../db/client.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;

/**
 * Callbacks on three dates: 2025-05-12 street A satisfied (2025-Q2); 2026-02-10 street A dissatisfied (2026-Q1);
 * 2026-05-12 street A satisfied twice and street B satisfied once (2026-Q2). Each phase is rolled up at its time.
 */
beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, '2025-05-12T02:00:00.000Z');
  api = await startApi(deps);
  w = await makeWorld(deps.db);
  const flow = ticketFlow(api, w);
  const callback = (v: View, satisfaction: string) =>
    flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: satisfaction === 'dissatisfied' ? 'unsolved' : 'solved', satisfaction });
  const atStreetB = async () => {
    const d = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.streetB.id });
    const s = await flow.assignment(w.handlerB, d, leadOf(d), 'sign');
    const r = await flow.assignment(w.handlerB, s, leadOf(s), 'reply', { content: '已处理完毕，情况已向市民说明。' });
    return flow.ticket(w.dispatcher, r, 'reply/approve');
  };
  await callback(await flow.awaitingCallback(), 'satisfied');
  await rollup(deps, deps.clock.now());
  deps.clock.set('2026-02-10T02:00:00.000Z');
  await callback(await flow.awaitingCallback(), 'dissatisfied');
  await rollup(deps, deps.clock.now());
  deps.clock.set('2026-05-12T02:00:00.000Z');
  for (let i = 0; i < 2; i++) await callback(await flow.awaitingCallback(), 'satisfied');
  await callback(await atStreetB(), 'satisfied');
  await rollup(deps, deps.clock.now());
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

const get = (path: string, token = w.supervisor.token, headers?: Record<string, string>) => api.call('GET', path, { token, headers });
type Row = { bucket: string; start: string; end: string; group: { id: number } | null; metrics: Record<string, { numerator: number; denominator: number }> };
type Compared = Row & { previous: Row | null; yearAgo: Row | null };
const satisfaction = (r: Pick<Row, 'metrics'> | null | undefined) => r && [r.metrics.satisfaction_rate!.numerator, r.metrics.satisfaction_rate!.denominator];

describe('any period', () => {
  it('quarter, half-year and year buckets, by their own labels or any date inside them', async () => {
    const a = w.units.streetA.id;
    const q = await get(`/api/metrics?period=quarter&from=2026-Q2&unitId=${a}`);
    expect(q.status, JSON.stringify(q.body)).toBe(200);
    expect(q.body).toMatchObject({ period: 'quarter', from: '2026-04-01', to: '2026-06-30' });
    expect(q.body.rows.map((r: Row) => [r.bucket, satisfaction(r)])).toEqual([['2026-Q2', [2, 2]]]);
    const quarters = await get(`/api/metrics?period=quarter&from=2025-11-03&to=2026-05&unitId=${a}`);
    expect(quarters.body.rows.map((r: Row) => [r.bucket, satisfaction(r)])).toEqual([
      ['2025-Q4', [0, 0]],
      ['2026-Q1', [0, 1]],
      ['2026-Q2', [2, 2]],
    ]);
    const half = await get(`/api/metrics?period=half&from=2026-H1&unitId=${a}`);
    expect(half.body.rows.map((r: Row) => [r.bucket, r.start, r.end, satisfaction(r)])).toEqual([['2026-H1', '2026-01-01', '2026-06-30', [2, 3]]]);
    const years = await get(`/api/metrics?period=year&from=2025&to=2026&unitId=${a}`);
    expect(years.body.rows.map((r: Row) => [r.bucket, satisfaction(r)])).toEqual([
      ['2025', [1, 1]],
      ['2026', [2, 3]],
    ]);
    // Grouped by unit over a half-year: each street's own figures.
    const byUnit = await get('/api/metrics?period=half&from=2026-03-15&groupBy=unit&level=street');
    const b = byUnit.body.rows.find((r: Row) => r.group?.id === w.units.streetB.id);
    expect([b.bucket, satisfaction(b)]).toEqual(['2026-H1', [1, 1]]);
  });

  it('a custom range is one bucket, whether or not it is whole months', async () => {
    const a = w.units.streetA.id;
    const c = await get(`/api/metrics?period=custom&from=2026-02-01&to=2026-05-20&unitId=${a}`);
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.rows.map((r: Row) => [r.bucket, r.start, r.end, satisfaction(r)])).toEqual([['2026-02-01~2026-05-20', '2026-02-01', '2026-05-20', [2, 3]]]);
    const months = await get(`/api/metrics?period=custom&from=2026-03-01&to=2026-05-31&groupBy=unit&level=street`);
    const rowA = months.body.rows.find((r: Row) => r.group?.id === a);
    expect([rowA.bucket, satisfaction(rowA)]).toEqual(['2026-03-01~2026-05-31', [2, 2]]);
    const oneDay = await get(`/api/metrics?period=custom&from=2026-02-10&unitId=${a}`);
    expect(oneDay.body.rows.map((r: Row) => [r.bucket, satisfaction(r)])).toEqual([['2026-02-10', [0, 1]]]);
  });

  it('compare=true: each row beside the period before (环比) and the same period a year earlier (同比)', async () => {
    const a = w.units.streetA.id;
    const r = await get(`/api/metrics?period=quarter&from=2026-Q2&unitId=${a}&compare=true`);
    expect(r.body.comparisons).toEqual({ previous: { start: '2026-01-01', end: '2026-03-31' }, yearAgo: { start: '2025-04-01', end: '2025-06-30' } });
    const [row] = r.body.rows as Compared[];
    expect(satisfaction(row)).toEqual([2, 2]);
    expect([row!.previous!.bucket, satisfaction(row!.previous)]).toEqual(['2026-Q1', [0, 1]]);
    expect([row!.yearAgo!.bucket, satisfaction(row!.yearAgo)]).toEqual(['2025-Q2', [1, 1]]);
    // A custom range compares with as many days just before it, and the same dates a year earlier.
    const c = await get(`/api/metrics?period=custom&from=2026-05-01&to=2026-05-31&unitId=${a}&compare=true`);
    expect(c.body.comparisons).toEqual({ previous: { start: '2026-03-31', end: '2026-04-30' }, yearAgo: { start: '2025-05-01', end: '2025-05-31' } });
    expect(satisfaction((c.body.rows as Compared[])[0]!.yearAgo)).toEqual([1, 1]);
    // Grouped: a unit with no figures a year earlier compares with nothing (null), not with zero.
    const g = await get('/api/metrics?period=half&from=2026-H1&groupBy=unit&level=street&compare=true');
    const b = (g.body.rows as Compared[]).find((x) => x.group?.id === w.units.streetB.id)!;
    expect(b.yearAgo).toBeNull();
    expect(satisfaction((g.body.rows as Compared[]).find((x) => x.group?.id === a)!.yearAgo)).toEqual([1, 1]);
  });

  it('rankings by quarter and by half-year', async () => {
    const h = await get('/api/metrics/rankings?level=street&period=half&from=2026-H1');
    expect(h.status, JSON.stringify(h.body)).toBe(200);
    expect(h.body).toMatchObject({ period: 'half', bucket: '2026-H1', start: '2026-01-01', end: '2026-06-30', month: null });
    const ids = [...h.body.ranked, ...h.body.unranked].map((x: { unit: { id: number } }) => x.unit.id);
    expect(ids).toEqual(expect.arrayContaining([w.units.streetA.id, w.units.streetB.id]));
    const q = await get('/api/metrics/rankings?level=street&period=quarter&from=2025-Q2');
    expect(q.body.bucket).toBe('2025-Q2');
    // The month form stays as it was.
    const m = await get('/api/metrics/rankings?level=street&month=2026-05');
    expect(m.body).toMatchObject({ period: 'month', bucket: '2026-05', month: '2026-05' });
  });

  it('the half-year summary sentence, for the city and for a unit, from the data', async () => {
    const city = await get('/api/metrics/summary?period=half&from=2026-H1');
    expect(city.status, JSON.stringify(city.body)).toBe(200);
    // 2026-H1: four new tickets callbacks reached (street A: 3, street B: 1), 3 of 4 satisfied; 2025-H1: 1 of 1.
    expect(city.body).toMatchObject({ bucket: '2026-H1', unit: null, received: 4, satisfaction_rate: 0.75, satisfactionYearAgo: 1 });
    expect(city.body.sentence).toMatch(/^2026年上半年受理热线工单4件，办结率[^，]+，回复率[^，]+，满意率75%，较上年同期下降25个百分点。$/);
    const en = await get('/api/metrics/summary?period=quarter&from=2026-Q2', w.supervisor.token, { 'accept-language': 'en' });
    expect(en.body.sentence).toMatch(/^2026-Q2: the hotline accepted 3 tickets, .*satisfaction rate 100%/);
    // A street's handler: their own unit by default, with its place among the streets when ranked.
    const own = await get('/api/metrics/summary?period=half&from=2026-06-30', w.handlerA.token);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ unit: { id: w.units.streetA.id }, received: 3 });
    expect(own.body.satisfaction_rate).toBeCloseTo(2 / 3, 3);
    expect(own.body.sentence).toContain(`2026年上半年${own.body.unit.name}承办热线工单3件`);
    expect(own.body.sentence).toContain('满意率66.7%');
    // Street A (2 of 3 satisfied) ranks below street B (1 of 1) among the two streets with figures.
    expect(own.body.rank).toEqual({ rank: 2, of: 2, level: 'street' });
    expect(own.body.sentence).toContain('在2个街道乡镇中排名第2');
    expectProblem(await get(`/api/metrics/summary?period=half&from=2026-H1&unitId=${w.units.streetA.id}`, w.handlerB.token), 403, 'metrics_scope_forbidden');
  });

  it('bad periods: 400 for a malformed value, 422 for a custom range longer than about three years', async () => {
    expectProblem(await get('/api/metrics?period=half&from=2026-H3'), 400, 'validation_failed');
    expectProblem(await get('/api/metrics?period=year&from=26'), 400, 'validation_failed');
    expectProblem(await get('/api/metrics?period=fortnight'), 400, 'validation_failed');
    expectProblem(await get('/api/metrics?period=custom&from=2020-01-01&to=2026-01-01'), 422, 'metrics_range_too_long');
    expectProblem(await get('/api/metrics?period=custom&from=2026-05-01&to=2026-04-01'), 422, 'metrics_range_invalid');
    expectProblem(await get('/api/metrics/rankings?level=street&period=week'), 400, 'validation_failed');
  });
});
