import { describe, expect, it } from 'vitest';
import { apiSession, browserSuite, ok, ticketAtDonghua, expectAccessible, screenshot, signIn } from './harness.ts';

// New Year's Eve 2026, 18:00 in Shanghai: after working hours, and the demo calendar ends today.
const suite = browserSuite('2026-12-31T10:00:00Z');

describe('clocks awaiting the calendar on the screens', () => {
  it('the unit desk (its 下级办理 too), the ticket view, the dispatch desk, 工单查询, the wallboard and the banner say so; importing 2027 updates the unit desk live', async () => {
    const first = await ticketAtDonghua(suite.app.api.base, '小区门口垃圾桶满溢，元旦前无人清运');
    const waiting = first.v;
    expect(waiting.awaitingCalendar).toMatchObject({ year: 2027 });
    // A second ticket the unit answers at once, so it waits for review on the dispatch desk — its clocks still await the calendar.
    const second = await ticketAtDonghua(suite.app.api.base, '楼道堆放杂物，元旦前请清理');
    let r = second.v;
    const lead = () => r.assignments.at(-1);
    r = await ok(second.sessions.unit, 'POST', `/api/assignments/${lead().id}/sign`, { version: lead().version });
    r = await ok(second.sessions.unit, 'POST', `/api/assignments/${lead().id}/contact`, {
      version: lead().version,
      method: 'phone',
      summary: '已电话联系诉求人',
    });
    r = await ok(second.sessions.unit, 'POST', `/api/assignments/${lead().id}/reply`, { version: lead().version, content: '已安排物业当晚清理楼道杂物。' });
    expect(r.status).toBe('awaiting_review');
    // A third the street hands down to its community: on the street's 下级办理 the community's clocks wait too.
    const third = await ticketAtDonghua(suite.app.api.base, '向阳社区路灯不亮，元旦前请修复', { sign: true });
    const units = (await ok(third.sessions.dispatcher, 'GET', '/api/units')).items as { id: number; code: string }[];
    const held = third.v.assignments.at(-1);
    await ok(third.sessions.unit, 'POST', `/api/assignments/${held.id}/hand-down`, {
      version: held.version,
      leadUnitId: units.find((u) => u.code === 'cm-donghua-xiangyang')!.id,
    });

    const unit = suite.keep(await signIn(suite.browser, suite.app, 'handler.s-donghua', '/unit'));
    const up = unit.page;
    const item = up.locator(`.queue button[data-ticket="${waiting.number}"]`);
    await item.locator('[data-clock-state="awaiting_calendar"]', { hasText: '待日历（2027年）' }).waitFor();
    await item.click();
    await up.locator('article.ticket [data-awaiting-calendar="2027"]', { hasText: '等待 2027 年工作日历导入' }).waitFor();
    expect(await up.locator('article.ticket table.assignments [data-clock-state="awaiting_calendar"]').count()).toBe(3);
    const subRow = up.locator(`#chain-subs button[data-ticket="${third.v.number}"]`);
    for (const clock of ['sign', 'response', 'complete']) {
      await subRow.locator(`[data-step="${clock}"] [data-clock-state="awaiting_calendar"]`, { hasText: '待日历（2027年）' }).waitFor();
    }
    await screenshot(up, '20-unit-awaiting-calendar');
    await expectAccessible(up, 'unit workbench: clocks awaiting the calendar');

    const dispatcher = suite.keep(await signIn(suite.browser, suite.app, 'dispatcher1', '/dispatch'));
    const dp = dispatcher.page;
    await dp.getByRole('tab', { name: /答复审核/ }).click();
    await dp.locator('.queue li', { hasText: second.v.number }).locator('[data-awaiting-calendar]').waitFor();
    // 工单查询: 办结时限 says 待日历 with the year to import, where a deadline would be.
    await dp.goto(`/tickets?number=${waiting.number}`);
    const due = dp.locator(`tr[data-row="${waiting.number}"] td`).nth(6);
    await due.locator('[data-awaiting-calendar="2027"]', { hasText: '待日历（2027年）' }).waitFor();
    await expectAccessible(dp, 'ticket search: a clock awaiting the calendar');

    const supervisor = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    const sp = supervisor.page;
    await sp.locator('[data-calendar-banner] [data-banner="coverage"]', { hasText: '工作日历只覆盖到 2026-12-31' }).waitFor();
    await sp.locator('[data-calendar-banner] [data-banner^="waiting-"]', { hasText: /\d+ 个时限（3 件工单）正在等待 2027 年工作日历/ }).waitFor();
    await sp.locator('[data-metric="awaiting-calendar"] .value', { hasText: '3' }).waitFor();
    await screenshot(sp, '21-wallboard-awaiting-calendar');
    await expectAccessible(sp, 'wallboard: clocks awaiting the calendar');

    // The admin imports 2027: the unit desk shows real deadlines without a reload.
    const admin = await apiSession(suite.app.api.base, 'admin');
    await ok(admin, 'POST', '/api/calendar/import', {
      year: 2027,
      source: '国务院办公厅关于2027年部分节假日安排的通知',
      days: [
        { day: '2027-01-01', kind: 'holiday', name: '元旦' },
        { day: '2027-01-02', kind: 'holiday', name: '元旦' },
        { day: '2027-01-03', kind: 'holiday', name: '元旦' },
      ],
    });
    await item.locator('[data-clock-state="running"]').waitFor();
    await subRow.locator('[data-step="complete"] [data-clock-state="running"]').waitFor();
    await expect.poll(() => up.locator('[data-clock-state="awaiting_calendar"]').count()).toBe(0);
    await expect.poll(() => up.locator('article.ticket [data-awaiting-calendar]').count()).toBe(0);
    await sp.locator('[data-metric="awaiting-calendar"] .value', { hasText: '0' }).waitFor();
    await expect.poll(() => sp.locator('[data-calendar-banner] [data-banner^="waiting-"]').count()).toBe(0);
    await dp.reload();
    await expect.poll(() => due.textContent(), { timeout: 15_000 }).toMatch(/2027\D01\D\d{2}/);
    expect(await due.locator('[data-awaiting-calendar]').count()).toBe(0);
  }, 120_000); // three browsers on a shared two-core machine
});
