/**
 * The wallboard on a real wall (1920×1080): the whole board fits without scrolling, the overdue list pages inside
 * its panel and each row says the unit and how long, worst first. And the dispatch desk's bulk bar: two tickets
 * ticked, dispatched at once, each with its own result.
 */
import { describe, expect, it } from 'vitest';
import { sweep } from '../../src/domain/sla/sweep.ts';
import type { TestDeps } from '../setup/db.ts';
import { apiSession, browserSuite, expectAccessible, runningClock, screenshot, signIn } from './harness.ts';

const LOGGED = '2026-03-10T01:30:00Z'; // Tuesday 09:30 in Shanghai
const LATER = '2026-03-13T06:00:00Z'; // three days on: the dispatched tickets' sign and response clocks ran out
const suite = browserSuite(LOGGED);

type Api = Awaited<ReturnType<typeof apiSession>>;
/** A consultation no routing rule places with certainty: it waits for a dispatcher. */
async function waitingTicket(operator: Api, content: string) {
  const cats = (await operator('GET', '/api/categories')).body.items as { id: number; name: string }[];
  const r = await operator('POST', '/api/tickets', {
    type: 'consult',
    categoryId: cats.find((c) => c.name === '垃圾清运')!.id,
    content,
    caller: { name: '周先生', phone: '13911115555' },
  });
  expect(r.status).toBe(201);
  expect(r.body.status).toBe('awaiting_dispatch');
  return r.body as { id: number; number: string; version: number };
}

describe('the wallboard at 1920×1080', () => {
  it('fits the screen without scrolling; overdue rows carry the unit and how long, in severity order', async () => {
    const { base } = suite.app.api;
    const [operator, dispatcher] = [await apiSession(base, 'operator1'), await apiSession(base, 'dispatcher1')];
    const units = (await dispatcher('GET', '/api/units')).body.items as { id: number; name: string; kind: string }[];
    const streets = units.filter((u) => u.kind === 'street').slice(0, 2);
    // Twelve tickets (six per street): with their 督办 items, more rows than the overdue panel holds.
    for (let i = 0; i < 12; i++) {
      const t = await waitingTicket(operator, `想咨询大件垃圾清运的预约方式，第${i + 1}件，谢谢`);
      const d = await dispatcher('POST', `/api/tickets/${t.id}/dispatch`, { version: t.version, leadUnitId: streets[i % 2]!.id });
      expect(d.status, JSON.stringify(d.body)).toBe(200);
    }
    const deps = suite.app.deps as TestDeps;
    deps.clock = runningClock(LATER) as TestDeps['clock'];
    await sweep(deps, deps.clock.now());

    const sup = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    const { page } = sup;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.locator('[data-overdue-ticket]').first().waitFor();
    await page.locator('[data-metric="today"]').waitFor();

    const size = (await page.evaluate(
      '({ scroll: document.scrollingElement.scrollHeight, inner: innerHeight, width: document.scrollingElement.scrollWidth })',
    )) as {
      scroll: number;
      inner: number;
      width: number;
    };
    expect(size.scroll, JSON.stringify(size)).toBeLessThanOrEqual(size.inner);
    expect(size.width).toBeLessThanOrEqual(1920);

    // The rows shown are the server's worst-first order, each with its unit and overrun.
    const supervisor = await apiSession(base, 'supervisor1');
    const order = (await supervisor('GET', '/api/sla/overdue?limit=100')).body.items as { number: string; overdue: { unit: { name: string } | null } }[];
    expect(order.length).toBeGreaterThanOrEqual(2);
    const rows = page.locator('.wb-overdue [data-overdue-ticket]');
    const shown = await rows.evaluateAll(
      (els, inner) =>
        els.map((el) => ({
          number: el.getAttribute('data-overdue-ticket'),
          unit: el.querySelector('.wb-unit')?.textContent?.trim(),
          late: el.querySelector('.wb-late')?.textContent?.trim(),
          visible: el.getBoundingClientRect().bottom <= inner,
        })),
      size.inner,
    );
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown.map((r) => r.number)).toEqual(order.slice(0, shown.length).map((o) => o.number));
    for (const [i, r] of shown.entries()) {
      expect(r.unit).toBe(order[i]!.overdue.unit?.name ?? '—');
      expect(r.late).toMatch(/^超期 \d+ (天 \d+ 小时|小时 \d+ 分|分钟)/);
      expect(r.visible).toBe(true);
    }
    const ours = shown.filter((r) => streets.some((s) => s.name === r.unit));
    expect(ours.length).toBeGreaterThanOrEqual(2);
    expect(ours[0]!.late).toMatch(/天/); // three days on

    await screenshot(page, 'wallboard-1080p');
    await expectAccessible(page, 'wallboard at 1920×1080');

    // The list pages inside its panel and turns by itself…
    const pageNo = page.locator('.wb-overdue [data-page]');
    expect(await pageNo.getAttribute('data-page')).toBe('1');
    expect(Number(await pageNo.getAttribute('data-pages'))).toBeGreaterThan(1);
    await page.clock.fastForward('00:13');
    await expect.poll(() => pageNo.getAttribute('data-page')).toBe('2');
    // …but never under reduced motion, where the viewer pages by hand.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.reload();
    await page.locator('.wb-overdue [data-page]').waitFor();
    expect(await page.locator('.wb-overdue [aria-pressed]').getAttribute('aria-pressed')).toBe('true');
    await page.clock.fastForward('00:30');
    expect(await pageNo.getAttribute('data-page')).toBe('1');
    await page.locator('.wb-overdue').getByRole('button', { name: '下一页' }).click();
    expect(await pageNo.getAttribute('data-page')).toBe('2');
  });
});

describe('the bulk bar on the dispatch desk', () => {
  it('dispatches two ticked tickets at once and lists each ticket’s result', async () => {
    const operator = await apiSession(suite.app.api.base, 'operator1');
    const a = await waitingTicket(operator, '咨询一下小区垃圾桶清运时间，批量派单第一件');
    const b = await waitingTicket(operator, '咨询一下小区垃圾桶清运时间，批量派单第二件');

    const desk = suite.keep(await signIn(suite.browser, suite.app, 'dispatcher1', '/dispatch'));
    const { page } = desk;
    for (const t of [a, b]) await page.getByLabel(`选择工单 ${t.number}`).check();
    await page.getByRole('heading', { name: '批量处理（已选 2 件）' }).waitFor();
    await page.locator('#bulk-lead').fill('东华街道');
    await page.locator('#bulk-lead').press('Enter');
    await page.getByRole('button', { name: '批量派单', exact: true }).click();

    const results = page.locator('[data-bulk-results]');
    await results.getByText('成功 2 件，失败 0 件').waitFor();
    for (const t of [a, b]) expect(await results.locator(`[data-bulk-ticket="${t.number}"]`).getAttribute('data-ok')).toBe('true');
    expect(await results.locator(`[data-bulk-ticket="${a.number}"]`).textContent()).toContain('待签收');
    const dispatcher = await apiSession(suite.app.api.base, 'dispatcher1');
    for (const t of [a, b]) {
      const v = (await dispatcher('GET', `/api/tickets/${t.id}`)).body as { status: string; assignments: { unit: { name: string }; role: string }[] };
      expect(v.status).toBe('awaiting_sign');
      expect(v.assignments.map((x) => [x.unit.name, x.role])).toEqual([['东华街道', 'lead']]);
    }
    await screenshot(page, 'dispatch-bulk');
    await expectAccessible(page, 'dispatch desk with the bulk bar');
  });
});
