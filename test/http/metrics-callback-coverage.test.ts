/**
 * 回访率 (callback coverage): callback rounds that got at least one call ÷ rounds due (each approved reply), on the
 * day the round opened, for the lead unit; with callbackCoverageIncludesTerminated, tickets closed by an approved
 * termination count as due too. The drill-down names the tickets on both sides.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import type { View } from '../setup/ticket-flow.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ now: '2026-03-10T02:00:00.000Z' });

let called: View;
let notCalled: View;
let terminated: View;
beforeAll(async () => {
  called = await flow.ticket(w.callbackAgent, await flow.awaitingCallback(), 'callback', { reached: false });
  notCalled = await flow.awaitingCallback();
  terminated = await flow.closed();
  // The call comes the next day: it still counts on the day the round opened.
  deps.clock.set('2026-03-11T02:00:00.000Z');
  await rollup(deps, deps.clock.now());
});

const get = (path: string, token = w.supervisor.token) => api.call('GET', path, { token });
const coverage = async (query = '') => (await get(`/api/metrics?period=day&from=2026-03-10${query}`)).body.rows[0].metrics.callback_coverage_rate;

describe('回访率', () => {
  it('rounds with a call ÷ rounds due, on the day the round opened, for the lead unit', async () => {
    expect(await coverage()).toMatchObject({ name: '回访率', numerator: 1, denominator: 2, value: 0.5 });
    expect(await coverage(`&unitId=${w.units.streetA.id}`)).toMatchObject({ numerator: 1, denominator: 2 });
    expect(await coverage(`&unitId=${w.units.streetB.id}`)).toMatchObject({ numerator: 0, denominator: 0, value: null });
    const behind = await get('/api/metrics/tickets?metric=callback_coverage_rate&part=denominator&period=day&from=2026-03-10');
    expect(behind.body.items.map((i: { number: string }) => i.number).sort()).toEqual([called.number, notCalled.number].sort());
    const made = await get('/api/metrics/tickets?metric=callback_coverage_rate&part=numerator&period=day&from=2026-03-10');
    expect(made.body.items.map((i: { number: string }) => i.number)).toEqual([called.number]);
  });

  it('the rule is configurable: terminated tickets may count as due a callback', async () => {
    const put = await api.call('PUT', '/api/metrics/settings', { token: w.admin.token, body: { callbackCoverageIncludesTerminated: true } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.definitions.callback_coverage_rate).toContain('终止');
    try {
      expect(await coverage()).toMatchObject({ numerator: 1, denominator: 3 });
      const behind = await get('/api/metrics/tickets?metric=callback_coverage_rate&part=denominator&period=day&from=2026-03-10');
      expect(behind.body.items.map((i: { number: string }) => i.number)).toContain(terminated.number);
    } finally {
      await api.call('PUT', '/api/metrics/settings', { token: w.admin.token, body: { callbackCoverageIncludesTerminated: false } });
    }
  });
});
