/**
 * 个人信息 in a real browser: the demo security administrator opens /privacy from its navigation, sees the
 * retention in force, exports a caller's tickets by number (typed with spaces) and erases them — the closed one
 * anonymised, the open one refused and listed.
 */
import { describe, expect, it } from 'vitest';
import { closedAtDonghua } from './closed-ticket.ts';
import { browserSuite, expectAccessible, expectAllLabelled, screenshot, signIn, ticketAtDonghua } from './harness.ts';

const suite = browserSuite();

describe('个人信息 screen', () => {
  it("the security administrator exports a caller's tickets and erases the closed one, the open one left", async () => {
    const base = suite.app.api.base;
    const closed = await closedAtDonghua(base, '小区垃圾三天没有清运，气味很大');
    const { v: open } = await ticketAtDonghua(base, '小区门口的垃圾桶破损严重，请尽快更换');

    const { page } = suite.keep(await signIn(suite.browser, suite.app, 'secadmin', '/security'));
    await page.locator('nav a[href="/privacy"]').click();
    await page.waitForURL('**/privacy');
    await expect(page.locator('.screen-title').innerText()).resolves.toBe('个人信息');
    // The retention panel loads after the screen shows: wait for its text rather than read it at once.
    await page.locator('#privacy-retention', { hasText: '办结 1095 天后自动匿名化' }).waitFor();

    await page.locator('#pv-phone').fill('139 1111 2222');
    await page.locator('#pv-reference').fill('个人信息申请-2026-007');
    await page.locator('#pv-note').fill('本人到窗口，已核验身份证（核验人：王）');
    await page.getByRole('button', { name: '导出个人信息' }).click();
    const rows = page.locator('.privacy-result tbody tr');
    await rows.first().waitFor();
    await expect(rows.allInnerTexts()).resolves.toEqual(expect.arrayContaining([expect.stringContaining(closed.number), expect.stringContaining(open.number)]));
    await expectAccessible(page, 'privacy');
    await expectAllLabelled(page, 'privacy');
    await screenshot(page, 'privacy-export');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: '删除（匿名化）已办结工单的个人信息' }).click();
    const result = page.locator('.privacy-result');
    await result.getByText('已匿名化 1 件已办结工单').waitFor();
    await expect(result.innerText()).resolves.toContain(closed.number);
    await expect(result.locator('.notice').innerText()).resolves.toContain(open.number);
  });
});
