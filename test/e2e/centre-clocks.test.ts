/**
 * The centre's own clocks in a real browser: the dispatcher's queue shows how long each ticket
 * has waited and its level against the 30-minute limit, live (the browser's clock runs on); the wallboard
 * shows what waits per clock and this month's centre figures.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, browserSuite, expectAccessible, runningClock, screenshot, signIn } from './harness.ts';
import type { TestDeps } from '../setup/db.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { CENTRE_CLOCK_LABELS } from '../../src/contract/labels.ts';
import { CENTRE_CLOCKS } from '../../src/contract/vocab.ts';

const LOGGED = '2026-03-10T01:30:00Z'; // Tuesday 09:30 in Shanghai
const suite = browserSuite(LOGGED);

describe("the centre's own clocks on the desks and the wallboard", () => {
  it("a ticket waiting for dispatch turns yellow, then overdue, on the dispatcher's queue; the wallboard counts it and shows the month's centre figures", async () => {
    const operator = await apiSession(suite.app.api.base, 'operator1');
    const cats = (await operator('GET', '/api/categories')).body.items as { id: number; name: string; code: string }[];
    // A ticket no catalogue rule places with certainty waits for a dispatcher.
    const created = await operator('POST', '/api/tickets', {
      type: 'consult',
      categoryId: cats.find((c) => c.name === '垃圾清运')!.id,
      content: '想咨询一下大件垃圾应该怎么预约清运，谢谢',
      caller: { name: '李女士', phone: '13911113333' },
    });
    expect(created.status).toBe(201);
    const number = created.body.number as string;
    expect(created.body.status).toBe('awaiting_dispatch');

    // 25 minutes later the dispatcher opens the desk: 25 of 30 minutes is past 75 % — yellow.
    (suite.app.deps as TestDeps).clock = runningClock('2026-03-10T01:55:00Z') as TestDeps['clock'];
    const desk = suite.keep(await signIn(suite.browser, suite.app, 'dispatcher1', '/dispatch'));
    const item = desk.page.locator('.queue li', { hasText: number }).locator('[data-centre-level]');
    await expect.poll(() => item.getAttribute('data-centre-level')).toBe('yellow');
    expect(await item.textContent()).toMatch(/已等 2[45] 分钟 · 黄色预警/); // logged a few seconds after 09:30
    // Seven minutes on, without a reload: past the limit.
    await desk.page.clock.fastForward('07:00');
    await expect.poll(() => item.getAttribute('data-centre-level')).toBe('overdue');
    expect(await item.textContent()).toMatch(/已等 3[12] 分钟 · 已超时/);
    await desk.page.locator('[role="tab"]', { hasText: '1 件超时' }).waitFor();
    await screenshot(desk.page, '14-dispatch-centre-wait');
    await expectAccessible(desk.page, 'dispatch desk with waits');

    // The wallboard: what waits per clock, and this month's centre figures once a dispatch is counted.
    const dispatcher = await apiSession(suite.app.api.base, 'dispatcher1');
    const units = (await dispatcher('GET', '/api/units')).body.items as { id: number; code: string }[];
    (suite.app.deps as TestDeps).clock = runningClock('2026-03-10T02:10:00Z') as TestDeps['clock'];
    const d = await dispatcher('POST', `/api/tickets/${created.body.id}/dispatch`, {
      version: created.body.version,
      leadUnitId: units.find((u) => u.code === 's-donghua')!.id,
    });
    expect(d.status).toBe(200);
    await rollup(suite.app.deps, suite.app.deps.clock.now());
    const wall = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    await wall.page.locator('.wb-centre [data-centre-clock="dispatch"]').waitFor();
    expect(await wall.page.locator('.wb-centre [data-centre-clock]').count()).toBe(6);
    // Named as the contract names the clocks, the monthly report's rows too.
    expect(await wall.page.locator('.wb-centre [data-centre-clock] > span').allTextContents()).toEqual(CENTRE_CLOCKS.map((c) => CENTRE_CLOCK_LABELS[c]));
    await expect.poll(() => wall.page.locator('.wb-centre [data-metric="avg_dispatch_minutes"] dd').textContent()).toMatch(/分钟/);
    expect(await wall.page.locator('.wb-centre [data-metric="timely_dispatch_rate"] dd').textContent()).toMatch(/%$/);
    await screenshot(wall.page, '15-wallboard-centre');
    await expectAccessible(wall.page, 'wallboard with the centre panel');
  }, 180_000);
});
