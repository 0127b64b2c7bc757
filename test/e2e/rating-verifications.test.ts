/**
 * 差评核实 in the browser: a caller's bad rating (非常不满意) shows on the supervisor's list with the unit, the level, the
 * comment, the verification deadline and the status filter; the supervisor confirms it with a note; 东华街道's leader
 * then sees it 待整改 on the same screen, submits the rectification and the answer to the caller, and the row shows
 * 已整改. Another bad rating is appealed by the leader and dismissed by the supervisor.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite, expectAccessible, expectAllLabelled, screenshot, signIn } from './harness.ts';
import { ratableAtDonghua, rateByToken } from './rating-ticket.ts';

const suite = browserSuite();

/** Opens 差评核实 from the navigation. */
async function openScreen(p: Page) {
  await p.getByRole('navigation').getByRole('link', { name: '差评核实' }).click();
  await p.waitForURL('**/rating-verifications');
  await p.locator('.rating-verifications').waitFor();
}

const rowOf = (p: Page, number: string) => p.locator('li[data-verification]', { has: p.getByRole('link', { name: number }) });

describe('差评核实', () => {
  it('the supervisor confirms a bad rating; the rated unit’s leader rectifies and answers; the row shows 已整改', async () => {
    const { v, token } = await ratableAtDonghua(suite.app, '小区消防通道被车辆长期占用');
    await rateByToken(suite.app.api.base, token, 'very_dissatisfied', '反映多次仍未解决');

    const sup = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    await openScreen(sup.page);
    const row = rowOf(sup.page, v.number);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('verifying');
    await row.getByText('待核实').waitFor();
    await row.getByText('非常不满意').waitFor();
    await row.getByText('东华街道').waitFor();
    await row.getByText('反映多次仍未解决').waitFor();
    expect(await row.getByRole('link', { name: v.number }).getAttribute('href')).toBe(`/tickets/${v.number}`);
    // The verification deadline, in Shanghai time.
    expect(await row.locator('dd').nth(3).innerText()).toMatch(/^2026\/0\d\/\d\d \d\d:\d\d$/);

    // The status filter: 已整改 has nothing yet; 待核实 holds the row.
    const filter = sup.page.getByLabel('状态', { exact: true });
    await filter.selectOption({ label: '已整改' });
    await sup.page.getByText('没有符合条件的差评。').waitFor();
    await filter.selectOption({ label: '待核实' });
    await row.waitFor();
    await screenshot(sup.page, 'rating-verifications-supervisor');
    await expectAccessible(sup.page, '差评核实 (supervisor)');
    await expectAllLabelled(sup.page, '差评核实 (supervisor)');

    // The decision needs a note: without one nothing is sent.
    await row.getByRole('button', { name: '确认差评' }).click();
    expect(await row.getAttribute('data-status')).toBe('verifying');
    await row.getByLabel('认定意见').fill('经核实，承办单位未按承诺时间处置，差评成立。');
    await row.getByRole('button', { name: '确认差评' }).click();
    await filter.selectOption({ label: '全部' });
    await expect.poll(() => row.getAttribute('data-status')).toBe('confirmed');
    await row.getByText('待整改').waitFor();
    await row.getByText(/确认差评：经核实，承办单位未按承诺时间处置/).waitFor();
    expect(await row.getByRole('button', { name: '确认差评' }).count()).toBe(0);

    // 东华街道's leader: the same row, 待整改 with its deadline; the rectification and the answer.
    const leader = suite.keep(await signIn(suite.browser, suite.app, 'leader.s-donghua', '/unit'));
    await openScreen(leader.page);
    const own = rowOf(leader.page, v.number);
    await own.getByText('待整改').waitFor();
    await own.getByText('整改期限').first().waitFor();
    expect(await own.getByRole('button', { name: '确认差评' }).count()).toBe(0);
    await own.getByLabel('整改情况').fill('已协调物业设置禁停标识，每日巡查消防通道。');
    await own.getByLabel('答复诉求人').fill('您反映的消防通道占用问题已整改，感谢您的监督。');
    await expectAccessible(leader.page, '差评核实 (unit leader)');
    await expectAllLabelled(leader.page, '差评核实 (unit leader)');
    await own.getByRole('button', { name: '提交整改' }).click();
    await expect.poll(() => own.getAttribute('data-status')).toBe('rectified');
    await own.getByText('已整改').first().waitFor();
    await own.getByText('您反映的消防通道占用问题已整改，感谢您的监督。').waitFor();
    expect(await own.getByRole('button', { name: '提交整改' }).count()).toBe(0);
    await screenshot(leader.page, 'rating-verifications-rectified');

    // The supervisor's open list follows without a reload.
    await expect.poll(() => row.getAttribute('data-status')).toBe('rectified');
  }, 150_000);

  it('the leader appeals with a reason; the supervisor dismisses it', async () => {
    const { v, token } = await ratableAtDonghua(suite.app, '路边井盖缺失存在安全隐患');
    await rateByToken(suite.app.api.base, token, 'dissatisfied');

    const leader = suite.keep(await signIn(suite.browser, suite.app, 'leader.s-donghua', '/unit'));
    await openScreen(leader.page);
    const own = rowOf(leader.page, v.number);
    await own.getByText('（未填写意见）').waitFor();
    await own.getByLabel('申诉理由').fill('井盖已于当日补装，诉求人评价时尚未知悉，附现场照片。');
    await own.getByRole('button', { name: '提交申诉' }).click();
    await expect.poll(() => own.getAttribute('data-status')).toBe('appealed');
    await own.getByText('单位申诉中').waitFor();
    expect(await own.getByRole('button', { name: '提交申诉' }).count()).toBe(0);

    const sup = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    await openScreen(sup.page);
    const row = rowOf(sup.page, v.number);
    await row.getByText(/井盖已于当日补装/).waitFor();
    await row.getByLabel('认定意见').fill('申诉材料属实，不予认定差评。');
    await row.getByRole('button', { name: '不予认定' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('dismissed');
    await row.getByText(/不予认定：申诉材料属实/).waitFor();
    await expectAccessible(sup.page, '差评核实 (dismissed)');
  }, 150_000);
});
