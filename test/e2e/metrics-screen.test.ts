/**
 * 统计分析 (/metrics) in a real browser: a supervisor opens it from the navigation, picks 季度 and the street
 * level, sees the city and the streets with every rate and the summary sentence, turns on 对比 and sees the
 * previous-period and year-earlier values, reads the rankings, and opens the tickets behind 东华街道's 办结率
 * (指标明细, the same quarter and unit). axe on the screen.
 */
import { describe, expect, it } from 'vitest';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { closedAtDonghua } from './closed-ticket.ts';
import { apiSession, browserSuite, expectAccessible, ok, screenshot, signIn } from './harness.ts';

const suite = browserSuite('2026-03-10T01:30:00Z');

describe('统计分析', () => {
  it('a quarter by street, compared, each figure opening the tickets behind it', async () => {
    const base = suite.app.api.base;
    const v = await closedAtDonghua(base, '楼道里堆放杂物多日无人清理，影响通行');
    await rollup(suite.app.deps, suite.app.deps.clock.now());

    const supervisor = await apiSession(base, 'supervisor1');
    const street = ((await ok(supervisor, 'GET', '/api/units')).items as { id: number; code: string; name: string }[]).find((u) => u.code === 's-donghua')!;
    const byStreet = await ok(supervisor, 'GET', '/api/metrics?period=quarter&from=2026-Q1&groupBy=unit&level=street');
    const figure = byStreet.rows.find((r: { group: { id: number } }) => Number(r.group.id) === street.id).metrics.completion_rate;
    expect(figure.numerator).toBeGreaterThanOrEqual(1);

    const u = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    const page = u.page;
    await page.getByRole('navigation').getByRole('link', { name: '统计分析' }).click();
    await page.waitForURL(/\/metrics$/);
    await page.getByRole('heading', { name: '统计分析' }).waitFor();
    // the default: this month in Asia/Shanghai
    await page.getByText('统计区间 2026-03-01 至 2026-03-31').waitFor();

    await page.getByRole('button', { name: '季度' }).click();
    await page.waitForURL(/period=quarter&from=2026-Q1/);
    expect(await page.getByLabel('季度', { exact: true }).inputValue()).toBe('1');
    await page.getByLabel('单位层级').selectOption('street');
    await page.waitForURL(/level=street/);
    await page.getByText('统计区间 2026-01-01 至 2026-03-31').waitFor();
    const row = page.locator(`#mx-figures tr[data-unit="${street.id}"]`);
    await row.waitFor();
    expect(await page.locator('#mx-figures tr[data-unit="city"]').count()).toBe(1);
    expect(await page.locator('#mx-figures tbody tr[data-unit]').count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('[data-summary]').textContent()).toContain('办结率');
    expect(await page.locator('thead th[data-metric="completion_rate"]').textContent()).toBe('办结率');
    expect(await row.locator('[data-drill="completion_rate.numerator"]').textContent()).toBe(String(figure.numerator));
    expect(await row.locator('[data-drill="completion_rate.denominator"]').getAttribute('href')).toContain('part=denominator');
    expect(await page.locator('[data-compare="previous"]').count()).toBe(0);

    await page.getByLabel('对比（环比、同比）').check();
    await page.waitForURL(/compare=true/);
    const previous = row.locator('td[data-metric="completion_rate"] [data-compare="previous"]');
    await previous.waitFor();
    expect(await previous.textContent()).toContain('环比');
    expect(await row.locator('td[data-metric="completion_rate"] [data-compare="yearAgo"]').textContent()).toContain('同比');
    expect(await page.locator('table.mx-table[data-compare="true"]').count()).toBe(1);

    const ranked = page.locator(`#mx-rankings tr[data-unit="${street.id}"]`);
    await ranked.waitFor();
    expect(await ranked.locator('[data-drill="satisfaction_rate.value"]').getAttribute('href')).toContain(`unitId=${street.id}`);
    await expectAccessible(page, '统计分析, a quarter by street, compared');
    await screenshot(page, 'metrics-quarter-street-compared');

    await row.locator('[data-drill="completion_rate.value"]').click();
    await page.waitForURL(/\/metrics\/tickets\?/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      metric: 'completion_rate',
      part: 'numerator',
      period: 'quarter',
      from: '2026-Q1',
      unitId: String(street.id),
    });
    await page.getByRole('heading', { name: '办结率 · 分子' }).waitFor();
    await page.locator('tr', { hasText: v.number }).waitFor();
    expect(await page.locator('tbody tr[data-number]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-drill-total]').getAttribute('data-drill-total')).toBe(String(figure.numerator));
  });

  it('every period of the picker reads its range; rankings only by month, quarter, half-year or year', async () => {
    const u = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    const page = u.page;
    await page.goto('/metrics');
    await page.getByRole('heading', { name: '统计分析' }).waitFor();
    const ranges: [string, string, string, boolean][] = [
      ['日', '2026-03-10', '2026-03-10', false],
      ['周', '2026-03-09', '2026-03-15', false],
      ['月', '2026-03-01', '2026-03-31', true],
      ['季度', '2026-01-01', '2026-03-31', true],
      ['半年', '2026-01-01', '2026-06-30', true],
      ['年', '2026-01-01', '2026-12-31', true],
      ['自定义', '2026-03-01', '2026-03-10', false],
    ];
    for (const [name, from, to, ranked] of ranges) {
      await page.getByRole('button', { name, exact: true }).click();
      await page.getByText(`统计区间 ${from} 至 ${to}`).waitFor();
      expect(await page.getByRole('alert').count(), name).toBe(0);
      expect(await page.getByText('排名按月、季度、半年或年计算').count(), name).toBe(ranked ? 0 : 1);
    }
    await page.getByLabel('结束日期').fill('2026-02-20');
    await page.getByLabel('结束日期').press('Tab');
    await page.getByRole('alert').waitFor();
    await page.getByLabel('结束日期').fill('2026-03-05');
    await page.getByLabel('结束日期').press('Tab');
    await page.getByText('统计区间 2026-03-01 至 2026-03-05').waitFor();
    await page.getByRole('button', { name: '半年', exact: true }).click();
    await page.getByLabel('上/下半年').selectOption('2');
    await page.getByText('统计区间 2026-07-01 至 2026-12-31').waitFor();
    expect(page.url()).toContain('from=2026-H2');
  });

  it('a district user reads its own subtree: its streets, its own row on top, no rankings; the drill stays in its scope', async () => {
    const base = suite.app.api.base;
    const v = await closedAtDonghua(base, '路灯损坏多日，夜间出行不便');
    await rollup(suite.app.deps, suite.app.deps.clock.now());
    const supervisor = await apiSession(base, 'supervisor1');
    const all = (await ok(supervisor, 'GET', '/api/units')).items as { id: number; code: string; name: string }[];
    const [district, street] = [all.find((u) => u.code === 'd-dongcheng')!, all.find((u) => u.code === 's-donghua')!];

    const u = suite.keep(await signIn(suite.browser, suite.app, 'handler.d-dongcheng', '/unit'));
    const page = u.page;
    await page.getByRole('navigation').getByRole('link', { name: '统计分析' }).click();
    await page.getByRole('heading', { name: '统计分析' }).waitFor();
    expect(await page.getByLabel('单位层级').inputValue()).toBe('street');
    const mine = page.locator('#mx-figures tr[data-unit="mine"]');
    await mine.waitFor();
    expect(await mine.locator('th').textContent()).toBe(`${district.name}（含下级）`);
    expect(await mine.locator('[data-drill="completion_rate.numerator"]').getAttribute('href')).toContain(`unitId=${district.id}`);
    expect(await page.locator('#mx-figures tr[data-unit="city"]').count()).toBe(0);
    expect(await page.locator('#mx-rankings').count()).toBe(0);
    await expectAccessible(page, '统计分析, a district user');

    await page.locator(`#mx-figures tr[data-unit="${street.id}"] [data-drill="completion_rate.numerator"]`).click();
    await page.waitForURL(new RegExp(`/metrics/tickets\\?.*unitId=${street.id}`));
    await page.locator('tr', { hasText: v.number }).waitFor();
  });
});
