import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, type World } from '../setup/world.ts';
import { expectProblem, leadOf, ticketFlow, userOfRole } from '../setup/ticket-flow.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { METRIC_KEYS } from '../../src/domain/metrics/definitions.ts';
import { ROLES } from '../../src/domain/vocab.ts';
import type { Database } from '../../db/client.ts';

const T0 = '2026-03-10T02:00:00.000Z';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, T0);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
  const flow = ticketFlow(api, w);
  // Street A: one ticket closed satisfied, one basically satisfied. Street B: one dispatched, signed.
  for (const satisfaction of ['satisfied', 'basically_satisfied']) {
    const v = await flow.awaitingCallback();
    await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction });
  }
  const b = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.streetB.id });
  await flow.assignment(w.handlerB, b, leadOf(b), 'sign');
  // Not counted yet: the API says how much is still queued.
  const before = await api.call('GET', '/api/metrics?from=2026-03', { token: w.supervisor.token });
  expect(before.body.freshness.pendingEvents).toBeGreaterThan(0);
  await rollup(deps, deps.clock.now());
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

const get = (path: string, token: string, headers?: Record<string, string>) => api.call('GET', path, { token, headers });

describe('GET /api/metrics', () => {
  it('every metric as {value, numerator, denominator, definition}, per period, with the settings and freshness', async () => {
    const r = await get('/api/metrics?period=month&from=2026-03&groupBy=unit', w.supervisor.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      period: 'month',
      from: '2026-03-01',
      to: '2026-03-31',
      groupBy: 'unit',
      metrics: [...METRIC_KEYS],
      freshness: { pendingEvents: 0 },
    });
    expect(r.body.freshness.lastRunAt).toBe(T0);
    const a = r.body.rows.find((x: { group: { id: number } }) => x.group.id === w.units.streetA.id);
    expect(a.bucket).toBe('2026-03');
    for (const k of METRIC_KEYS)
      expect(Object.keys(a.metrics[k]).sort()).toEqual(['definition', 'denominator', 'name', 'numerator', 'pending', 'unit', 'value']);
    expect(a.metrics.response_rate).toMatchObject({ unit: 'rate', pending: 0 });
    // The centre's own row (unit 0): its dispatch wait is an average in minutes.
    const centre = r.body.rows.find((x: { group: { id: number } }) => x.group.id === 0);
    expect(centre.group.name).toBe('热线中心');
    expect(centre.metrics.avg_dispatch_minutes).toMatchObject({ name: '平均派单时长', unit: 'minutes' });
    expect(centre.metrics.avg_dispatch_minutes.denominator).toBeGreaterThan(0);
    expect(a.metrics.satisfaction_rate).toMatchObject({ name: '满意率', value: 1, numerator: 2, denominator: 2 });
    expect(a.metrics.satisfaction_rate.definition).toMatch(/满意.*基本满意.*÷/);
    expect(a.metrics.redo_rate).toMatchObject({ value: 0, numerator: 0, denominator: 2 });

    const en = await get('/api/metrics?from=2026-03&groupBy=unit', w.supervisor.token, { 'accept-language': 'en' });
    const aEn = en.body.rows.find((x: { group: { id: number } }) => x.group.id === w.units.streetA.id);
    expect(aEn.metrics.satisfaction_rate.name).toBe('Satisfaction rate');
    expect(aEn.metrics.satisfaction_rate.definition).toMatch(/basically satisfied/);
  });

  it('day and week periods: every bucket of the range, empty ones too', async () => {
    const days = await get('/api/metrics?period=day&from=2026-03-09&to=2026-03-11', w.supervisor.token);
    expect(days.body.rows.map((r: { bucket: string }) => r.bucket)).toEqual(['2026-03-09', '2026-03-10', '2026-03-11']);
    expect(days.body.rows[0].metrics.reply_rate).toMatchObject({ value: null, denominator: 0 });
    expect(days.body.rows[1].metrics.reply_rate.denominator).toBe(3);
    const weeks = await get('/api/metrics?period=week&from=2026-W11', w.supervisor.token);
    expect(weeks.body.rows.map((r: { bucket: string; start: string; end: string }) => [r.bucket, r.start, r.end])).toEqual([
      ['2026-W11', '2026-03-09', '2026-03-15'],
    ]);
  });

  it('after an admin changes whether 基本满意 counts, the same data reads differently', async () => {
    const put = await api.call('PUT', '/api/metrics/settings', { token: w.admin.token, body: { satisfiedIncludesBasic: false } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.settings.satisfiedIncludesBasic).toBe(false);
    expect(put.body.definitions.satisfaction_rate).toContain('基本满意不计入');
    const r = await get(`/api/metrics?from=2026-03&unitId=${w.units.streetA.id}`, w.supervisor.token);
    expect(r.body.rows[0].metrics.satisfaction_rate).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
    expect(r.body.settings.satisfiedIncludesBasic).toBe(false);
    await api.call('PUT', '/api/metrics/settings', { token: w.admin.token, body: { satisfiedIncludesBasic: true } });
    expectProblem(await api.call('PUT', '/api/metrics/settings', { token: w.supervisor.token, body: { satisfiedIncludesBasic: true } }), 403, 'forbidden');
    expectProblem(await api.call('PUT', '/api/metrics/settings', { token: w.admin.token, body: { rankingSize: 0, unknown: 1 } }), 400, 'validation_failed');
    const audit = await get('/api/audit?action=metric_settings_updated', w.auditAdmin.token);
    expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
  });

  it('403 for roles that do not read metrics; unit users see their subtree only', async () => {
    const users = userOfRole(w);
    for (const role of ROLES.filter((r) => !['supervisor', 'admin', 'unit_handler', 'unit_leader'].includes(r))) {
      expectProblem(await get('/api/metrics?from=2026-03', users[role].token), 403, 'forbidden');
      expectProblem(await get('/api/metrics.csv?from=2026-03', users[role].token), 403, 'forbidden');
    }
    expectProblem(await api.call('GET', '/api/metrics'), 401, 'unauthenticated');

    // Street A's handler: its own figures; no intake; no other street.
    const own = await get('/api/metrics?from=2026-03', w.handlerA.token);
    expect(own.status).toBe(200);
    expect(own.body.rows[0].metrics.reply_rate).toMatchObject({ numerator: 2, denominator: 2 });
    expect(own.body.rows[0].metrics.direct_answer_rate.denominator).toBe(0);
    const byUnit = await get('/api/metrics?from=2026-03&groupBy=unit', w.handlerA.token);
    expect(byUnit.body.rows.map((r: { group: { id: number } }) => r.group.id)).toEqual([w.units.streetA.id]);
    expectProblem(await get(`/api/metrics?from=2026-03&unitId=${w.units.streetB.id}`, w.handlerA.token), 403, 'metrics_scope_forbidden');
    // The district's handler sees its street (and itself).
    const district = await get('/api/metrics?from=2026-03&groupBy=unit', w.handlerDistrictA.token);
    expect(district.body.rows.map((r: { group: { id: number } }) => r.group.id).sort()).toEqual([w.units.districtA.id, w.units.streetA.id].sort());
    // Street B's figures are its own.
    const b = await get('/api/metrics?from=2026-03', w.handlerB.token);
    expect(b.body.rows[0].metrics.timely_sign_rate).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('error codes for bad ranges and filters', async () => {
    const bad = await get('/api/metrics?period=month&from=2026-13', w.supervisor.token);
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'query.from' })]);
    expectProblem(await get('/api/metrics?period=day&from=2026-02-30', w.supervisor.token), 400, 'validation_failed');
    expectProblem(await get('/api/metrics?period=quarter&from=2026-Q5', w.supervisor.token), 400, 'validation_failed');
    expectProblem(await get('/api/metrics?from=2026-03&groupBy=street', w.supervisor.token), 400, 'validation_failed');
    expectProblem(await get('/api/metrics?from=2026-03&to=2026-01', w.supervisor.token), 422, 'metrics_range_invalid');
    const long = await get('/api/metrics?period=day&from=2024-01-01&to=2026-03-01', w.supervisor.token);
    expectProblem(long, 422, 'metrics_range_too_large');
    expectProblem(await get('/api/metrics?from=2026-03&unitId=999999', w.supervisor.token), 422, 'unit_unknown');
  });
});

describe('GET /api/metrics.csv', () => {
  it('UTF-8 with a BOM, Chinese headers, one line per row and the definitions below', async () => {
    const res = await fetch(`${api.base}/api/metrics.csv?from=2026-03&groupBy=unit`, { headers: { authorization: `Bearer ${w.supervisor.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="metrics-month-2026-03-01-2026-03-31-by-unit.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toMatch(/^周期,开始日期,结束日期,分组编号,分组,直接答复率,直接答复率分子,直接答复率分母,及时签收率,/);
    const streetA = lines.find((l) => l.includes(',甲街道,'))!;
    expect(streetA.startsWith(`2026-03,2026-03-01,2026-03-31,${w.units.streetA.id},甲街道,`)).toBe(true);
    const header = lines[0]!.split(',');
    const cells = streetA.split(',');
    expect(cells[header.indexOf('满意率')]).toBe('100.00%');
    expect(cells[header.indexOf('满意率分母')]).toBe('2');
    // Figures with clocks that may await the calendar have a pending column; 平均派单时长 is minutes, not a percentage.
    expect(header).toContain('响应率待定');
    expect(header).not.toContain('满意率待定');
    const centre = lines.find((l) => l.includes(',热线中心,'))!.split(',');
    expect(centre[header.indexOf('平均派单时长')]).toMatch(/^\d+\.\d$/);
    expect(lines).toContain('指标,口径');
    expect(lines.some((l) => l.startsWith('满意率,满意率 = '))).toBe(true);
  });

  it('unit users export only their subtree', async () => {
    const r = await get('/api/metrics.csv?from=2026-03&groupBy=unit', w.handlerB.token);
    expect(r.status).toBe(200);
    expect(r.body).toContain('乙街道');
    expect(r.body).not.toContain('甲街道');
  });
});

describe('GET /api/metrics/rankings', () => {
  it('red and black lists for supervisors and admins; 403 for unit users', async () => {
    const r = await get('/api/metrics/rankings?level=street&month=2026-03', w.supervisor.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ level: 'street', month: '2026-03', weights: { response_rate: 30, solved_rate: 35, satisfaction_rate: 35 }, size: 5 });
    expect(r.body.ranked.map((x: { unit: { id: number } }) => x.unit.id)).toEqual([w.units.streetA.id]);
    expect(r.body.ranked[0]).toMatchObject({
      rank: 1,
      metrics: { response_rate: { denominator: 2 }, solved_rate: { value: 1 }, satisfaction_rate: { value: 1 } },
    });
    expect(r.body.unranked.map((x: { unit: { id: number } }) => x.unit.id)).toContain(w.units.streetB.id);
    expect(r.body.red).toEqual([]); // one ranked unit: no list can be both top and bottom
    expectProblem(await get('/api/metrics/rankings?level=street&month=2026-03', w.leaderA.token), 403, 'forbidden');
    expectProblem(await get('/api/metrics/rankings?level=planet', w.supervisor.token), 400, 'validation_failed');
  });
});
