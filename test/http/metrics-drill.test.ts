/**
 * Drill-down (GET /api/metrics/tickets): the exact tickets behind every figure's numerator and denominator. For
 * every metric and both parts, the totals of the tickets behind equal the figure GET /api/metrics shows — for the
 * city, for a district with everything below it (含下级) and for a unit's own (本级) — and the rows are the
 * tickets, masked as the reader sees them, paged, within the reader's scope.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_KEYS } from '../../src/domain/metrics/definitions.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { drillTickets } from '../../src/domain/metrics/drill.ts';
import { loadMetricSettings } from '../../src/domain/metrics/settings.ts';
import { rebuildLedgerStep } from '../../src/domain/metrics/ledger-rebuild.ts';
import { metricsRollupState, metricsTicketLedger } from '../../db/schema/index.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { api, database, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ now: '2026-03-10T02:00:00.000Z' });

const satisfied: View[] = [];
let dissatisfiedB: View;
let returned: View;
beforeAll(async () => {
  const callback = (v: View, satisfaction: string) =>
    flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: satisfaction === 'dissatisfied' ? 'unsolved' : 'solved', satisfaction });
  for (const s of ['satisfied', 'basically_satisfied']) satisfied.push(await callback(await flow.awaitingCallback(), s));
  const d = await flow.ticket(w.dispatcher, await flow.create({ caller: { name: '赵先生', phone: '13512349876' } }), 'dispatch', {
    leadUnitId: w.units.streetB.id,
  });
  const s = await flow.assignment(w.handlerB, d, leadOf(d), 'sign');
  const r = await flow.assignment(w.handlerB, s, leadOf(s), 'reply', { content: '已现场核查并处理完毕。' });
  dissatisfiedB = await callback(await flow.ticket(w.dispatcher, r, 'reply/approve'), 'dissatisfied');
  // A return approved (回退率) and a ticket waiting to be dispatched (intake figures).
  const inProgress = await flow.inProgress();
  const asked = await flow.assignment(w.handlerA, inProgress, leadOf(inProgress), 'return', { reason: '不属于本街道管辖范围，请改派' });
  returned = await flow.ticket(w.dispatcher, asked, 'return/approve', {});
  await flow.create();
  // Deadlines fall due later in March: count the month as of its end.
  deps.clock.set('2026-04-01T02:00:00.000Z');
  await rollup(deps, deps.clock.now());
});

const get = (path: string, token = w.supervisor.token) => api.call('GET', path, { token });
type Figure = { numerator: number; denominator: number };
type Drill = { totals: { tickets: number; value: number }; items: { id: number; number: string; contribution: number; caller: { phone: string | null } }[] };

describe('GET /api/metrics/tickets', () => {
  it('for every metric and both parts, the tickets behind add up to the figure: the city, a district 含下级, a street 本级', async () => {
    const scopes = [
      { metrics: '', drill: '' },
      { metrics: `&unitId=${w.units.districtA.id}`, drill: `&unitId=${w.units.districtA.id}` },
    ];
    let nonEmpty = 0;
    for (const s of scopes) {
      const figures = (await get(`/api/metrics?from=2026-03${s.metrics}`)).body.rows[0].metrics as Record<string, Figure>;
      for (const metric of METRIC_KEYS)
        for (const part of ['numerator', 'denominator'] as const) {
          const r = await get(`/api/metrics/tickets?metric=${metric}&part=${part}&from=2026-03${s.drill}&limit=200`);
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          expect([metric, part, s.drill, (r.body as Drill).totals.value]).toEqual([metric, part, s.drill, figures[metric]![part]]);
          expect((r.body as Drill).items.reduce((sum, i) => sum + i.contribution, 0)).toBe(figures[metric]![part]);
          if (figures[metric]![part] > 0) nonEmpty++;
        }
    }
    expect(nonEmpty).toBeGreaterThan(20);
    // 本级: street A's own row of the grouped figures.
    const byUnit = await get('/api/metrics?from=2026-03&groupBy=unit');
    const own = byUnit.body.rows.find((r: { group: { id: number } }) => r.group.id === w.units.streetA.id).own.metrics as Record<string, Figure>;
    for (const metric of ['reply_rate', 'satisfaction_rate', 'return_rate'] as const) {
      const r = await get(`/api/metrics/tickets?metric=${metric}&part=denominator&from=2026-03&unitId=${w.units.streetA.id}&scope=own`);
      expect(r.body.totals.value).toBe(own[metric]!.denominator);
    }
  });

  it('the rows are the tickets: 满意率 of street A names the two satisfied tickets, 回退率 the returned one', async () => {
    const sat = await get(`/api/metrics/tickets?metric=satisfaction_rate&part=numerator&from=2026-03&unitId=${w.units.streetA.id}`);
    expect(sat.body).toMatchObject({ metric: 'satisfaction_rate', name: '满意率', part: 'numerator', from: '2026-03-01', to: '2026-03-31' });
    expect(sat.body.definition).toContain('满意率');
    expect((sat.body as Drill).items.map((i) => i.number).sort()).toEqual(satisfied.map((v) => v.number).sort());
    const ret = await get(`/api/metrics/tickets?metric=return_rate&part=numerator&from=2026-03`);
    expect((ret.body as Drill).items.map((i) => i.number)).toEqual([returned.number]);
    const city = await get('/api/metrics/tickets?metric=satisfaction_rate&part=denominator&from=2026-03&limit=2');
    expect(city.body.items).toHaveLength(2);
    const next = await get(`/api/metrics/tickets?metric=satisfaction_rate&part=denominator&from=2026-03&limit=2&before=${city.body.nextBefore}`);
    expect([...city.body.items, ...next.body.items].map((i: { number: string }) => i.number).sort()).toEqual(
      [...satisfied, dissatisfiedB].map((v) => v.number).sort(),
    );
    expect(next.body.nextBefore).toBeNull();
  });

  it('a unit drills within its subtree, callers masked; another unit’s figure is 403; bad input 400', async () => {
    const own = await get('/api/metrics/tickets?metric=satisfaction_rate&part=denominator&from=2026-03', w.handlerB.token);
    expect(own.status).toBe(200);
    expect((own.body as Drill).items.map((i) => i.number)).toEqual([dissatisfiedB.number]);
    expect((own.body as Drill).items[0]!.caller.phone).toBe('135****9876');
    expectProblem(
      await get(`/api/metrics/tickets?metric=satisfaction_rate&part=denominator&unitId=${w.units.streetA.id}`, w.handlerB.token),
      403,
      'metrics_scope_forbidden',
    );
    expectProblem(await get('/api/metrics/tickets?metric=nope&part=numerator'), 400, 'validation_failed');
    expectProblem(await get('/api/metrics/tickets?metric=reply_rate&part=numerator&scope=own'), 400, 'validation_failed');
    expectProblem(await get('/api/metrics/tickets?metric=reply_rate&part=numerator', w.operator.token), 403, 'forbidden');
  });

  it('a database that counted events before the ledger existed gets it rebuilt, slice by slice, to the same tickets', async () => {
    const before = await get('/api/metrics/tickets?metric=reply_rate&part=denominator&from=2026-03&limit=200');
    await deps.db.delete(metricsTicketLedger);
    await deps.db.update(metricsRollupState).set({ ledgerBuilt: false, ledgerCursor: 0 });
    // The figure stays the rollups'; the list is short until the ledger is rebuilt, and the answer says so.
    const during = await get('/api/metrics/tickets?metric=reply_rate&part=denominator&from=2026-03');
    expect(during.body).toMatchObject({ ledgerComplete: false, items: [], totals: { tickets: 0, value: before.body.totals.value } });
    let steps = 0;
    while (!(await rebuildLedgerStep(deps.db, 2))) steps++;
    expect(steps).toBeGreaterThanOrEqual(3); // five tickets, two a step
    const after = await get('/api/metrics/tickets?metric=reply_rate&part=denominator&from=2026-03&limit=200');
    expect(after.body.totals).toEqual(before.body.totals);
    expect(after.body.ledgerComplete).toBe(true);
    expect(after.body.items.map((i: { id: number }) => i.id)).toEqual(before.body.items.map((i: { id: number }) => i.id));
    expect(await rebuildLedgerStep(deps.db)).toBe(true);
  });
  it("the ledger's key is in ticket order within a counter's day and carries the value (the walk reads the index alone)", async () => {
    const [key] = await database.query<{ def: string }>(
      `select pg_get_indexdef(i.indexrelid) as def from pg_index i where i.indrelid = 'metrics_ticket_ledger'::regclass and i.indisprimary`,
    );
    expect(key!.def).toMatch(/\(counter, day, ticket_id, unit_id, appealed\) INCLUDE \(value\)/);
  });

  // Last: in process, with no request for a while (an HTTP keep-alive socket would go stale meanwhile on PGlite).
  it('walking the ledger in ticket order gives the same tickets, pages and totals as summing the period', async () => {
    const actor = w.supervisor.actor;
    const settings = await loadMetricSettings(deps.db);
    let walked = 0;
    for (const unitId of [undefined, w.units.districtA.id])
      for (const metric of METRIC_KEYS)
        for (const part of ['numerator', 'denominator'] as const) {
          const q = { metric, part, period: 'month' as const, from: '2026-03', unitId, scope: 'subtree' as const, includeAppealed: false, limit: 2 };
          const pages = async (walkAbove: number, walkFirstK?: number) => {
            const out: { value: number; items: [number, number][] }[] = [];
            for (let before: number | undefined, i = 0; i < 10; i++) {
              const r = await drillTickets(deps.db, actor, { ...q, before }, settings, 'zh-CN', { walkAbove, walkFirstK });
              // The walk does not count the tickets; the sum does (the figure itself, from the rollups, either way).
              expect(r.totals.tickets === null).toBe(walkAbove < 0);
              out.push({ value: r.totals.value, items: r.items.map((x) => [x.id, x.contribution]) });
              if (r.nextBefore === null) break;
              before = r.nextBefore;
            }
            return out;
          };
          const summed = await pages(Number.POSITIVE_INFINITY);
          expect([metric, part, unitId, await pages(-1)]).toEqual([metric, part, unitId, summed]);
          // One row per day first: most days have more, so the edge and the further rounds are exercised.
          expect([metric, part, unitId, 'k=1', await pages(-1, 1)]).toEqual([metric, part, unitId, 'k=1', summed]);
          if (summed[0]!.items.length) walked++;
        }
    expect(walked).toBeGreaterThan(20);
  });
});
