/**
 * Drill-down from the wallboard in a real browser: a gauge's numerator and denominator are links; the supervisor
 * opens the tickets behind 满意率's numerator, sees the satisfied ticket with its contribution and a total equal
 * to the figure, switches to the denominator, and opens the ticket's page. axe on the drill screen.
 */
import { describe, expect, it } from 'vitest';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { closedAtDonghua } from './closed-ticket.ts';
import { apiSession, browserSuite, expectAccessible, ok, signIn } from './harness.ts';

const suite = browserSuite('2026-03-10T01:30:00Z');

describe('drill-down from the wallboard', () => {
  it('满意率: the numerator link lists the satisfied ticket, the total equals the figure; the denominator and the ticket page follow', async () => {
    const base = suite.app.api.base;
    const v = await closedAtDonghua(base, '小区门口垃圾桶满溢多日无人清运，气味很大');
    await rollup(suite.app.deps, suite.app.deps.clock.now());
    const supervisor = await apiSession(base, 'supervisor1');
    const figure = (await ok(supervisor, 'GET', '/api/metrics?period=month&from=2026-03')).rows[0].metrics.satisfaction_rate;
    expect(figure.numerator).toBeGreaterThanOrEqual(1);

    const wall = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    const link = wall.page.locator('[data-drill="satisfaction_rate.numerator"]');
    await link.waitFor();
    expect(await link.textContent()).toBe(String(figure.numerator));
    expect(await link.getAttribute('aria-label')).toContain('满意率的分子');
    await link.click();
    await wall.page.waitForURL(/\/metrics\/tickets\?/);
    await wall.page.getByRole('heading', { name: '满意率 · 分子' }).waitFor();
    const row = wall.page.locator('tr', { hasText: v.number });
    await row.waitFor();
    expect(await row.locator('td').last().textContent()).toBe('1');
    expect(await wall.page.locator('[data-drill-total]').getAttribute('data-drill-total')).toBe(String(figure.numerator));
    await expectAccessible(wall.page, 'drill-down, 满意率 numerator');

    await wall.page.getByRole('link', { name: '另一半：分母' }).click();
    await wall.page.getByRole('heading', { name: '满意率 · 分母' }).waitFor();
    await expect.poll(() => wall.page.locator('[data-drill-total]').getAttribute('data-drill-total')).toBe(String(figure.denominator));
    await wall.page.locator('tr', { hasText: v.number }).getByRole('link', { name: v.number }).click();
    await wall.page.waitForURL(new RegExp(`/tickets/${v.number}$`));
    await wall.page.getByText('小区门口垃圾桶满溢').first().waitFor();
  });
});
