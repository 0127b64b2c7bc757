import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import {
  apiSession,
  ensureWebBuilt,
  expectAccessible,
  expectAllLabelled,
  expectFocusVisible,
  launchBrowser,
  newUserPage,
  screenshot,
  signIn,
  startApp,
  type App,
  type UserPage,
} from './harness.ts';

let app: App;
let browser: Browser;
const pages: UserPage[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  for (const p of pages) await p.context.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

afterEach(() => {
  for (const p of pages) expect(p.errors, 'page errors / CSP violations').toEqual([]);
});

const PHONE = '13912345678';
const keep = (u: UserPage) => (pages.push(u), u);
const counter = (page: Page, metric: string) => page.locator(`[data-metric="${metric}"] .value`).innerText().then(Number);
const activeId = (page: Page) => page.evaluate('document.activeElement && document.activeElement.id');

describe('the journey of one call, live across browsers (one context per user)', () => {
  it('operator (keyboard only) → dispatcher → unit (live) → review → callback → wallboard → citizen look-up', async () => {
    // An earlier call from the same number: its history and a duplicate hint must show as the number is typed.
    const op = await apiSession(app.api.base, 'operator1');
    const cats = (await op('GET', '/api/categories')).body.items as { id: number; name: string }[];
    const garbage = cats.find((c) => c.name === '垃圾清运')!;
    const earlier = await op('POST', '/api/tickets', {
      type: 'complaint',
      categoryId: garbage.id,
      content: '上周反映过小区门口垃圾桶满溢无人清理的问题',
      address: '东城区东华街道幸福里3号',
      caller: { name: '王先生', phone: PHONE },
    });
    expect(earlier.status).toBe(201);

    // The unit's workbench, the dispatcher's desk and the wallboard are already open before the call.
    const unit = keep(await signIn(browser, app, 'handler.s-donghua', '/unit'));
    const wall = keep(await signIn(browser, app, 'supervisor1', '/wallboard'));
    const desk = keep(await signIn(browser, app, 'dispatcher1', '/dispatch'));
    const intake = keep(await signIn(browser, app, 'operator1', '/intake'));
    await unit.page.evaluate('window.__notReloaded = true');
    await wall.page.locator('.trend[data-rendered="true"]').waitFor();
    await expect.poll(() => counter(wall.page, 'today')).toBe(1);
    const closedBefore = await counter(wall.page, 'closed-today');
    await screenshot(wall.page, '06-wallboard');
    await expectAccessible(wall.page, 'wallboard');

    // ── The operator logs the call with the keyboard only. ──
    const k = intake.page.keyboard;
    expect(await activeId(intake.page)).toBe('in-phone');
    await k.type(PHONE);
    await intake.page.locator('#caller-panel').getByText(earlier.body.number).first().waitFor();
    await intake.page.locator('#caller-panel').getByText('同一来电号码').waitFor();
    await k.press('Tab');
    await k.type('王先生');
    await k.press('Tab'); // 诉求类型: 咨询 → 求助 → 投诉
    await k.press('ArrowDown');
    await k.press('ArrowDown');
    expect(await intake.page.locator('#in-type').inputValue()).toBe('complaint');
    await k.press('Tab'); // 紧急程度 stays 一般
    await k.press('Tab');
    expect(await activeId(intake.page)).toBe('in-category');
    await k.type('垃圾清运');
    await intake.page.getByRole('option', { name: /垃圾清运/ }).waitFor();
    await k.press('Enter'); // picks the option, does not submit
    await expect.poll(() => intake.page.locator('#in-category').inputValue()).toMatch(/垃圾清运$/);
    await k.press('Tab');
    expect(await activeId(intake.page)).toBe('in-content');
    await k.type('小区门口垃圾三天没人清运，气味很大，希望尽快处理');
    await k.press('Tab');
    await k.type('东城区东华街道幸福里3号');
    await intake.page.locator('#kb-results, #kb-panel .empty').first().waitFor();
    await screenshot(intake.page, '02-intake-filled');
    await expectAccessible(intake.page, 'intake (filled)');
    await expectAllLabelled(intake.page, 'intake');
    await k.press('Enter'); // Enter saves
    const receipt = intake.page.getByTestId('receipt-number');
    await receipt.waitFor();
    const number = (await receipt.innerText()).trim();
    expect(number).toMatch(/^\d{8}-\d{6}$/);
    expect(number).not.toBe(earlier.body.number);
    await expect.poll(() => activeId(intake.page)).toBe('in-phone'); // ready for the next call
    await intake.page.locator(`#mine-panel [data-ticket="${number}"]`).getByText('待派单').waitFor();
    await screenshot(intake.page, '03-intake-saved');
    await expectAccessible(intake.page, 'intake (receipt)');
    await k.press('Tab');
    await k.press('Shift+Tab');
    await expectFocusVisible(intake.page, 'intake phone field');

    // The wallboard counts today's intake live.
    await expect.poll(() => counter(wall.page, 'today')).toBe(2);

    // ── The dispatcher sees it arrive, takes the catalogue's suggestion and dispatches. ──
    const item = desk.page.locator('.queue button', { hasText: number });
    await item.waitFor();
    await item.click();
    await desk.page
      .getByRole('button', { name: /采用建议/ })
      .first()
      .click();
    await expect.poll(() => desk.page.locator('#dp-lead option:checked').innerText()).toContain('东华街道');
    await screenshot(desk.page, '04-dispatch');
    await expectAccessible(desk.page, 'dispatcher desk');
    await expectAllLabelled(desk.page, 'dispatcher desk');
    await desk.page.locator('#dp-submit').click();
    await item.waitFor({ state: 'detached' });

    // ── The unit's open workbench shows it without a reload. ──
    const row = unit.page.locator(`.queue button[data-ticket="${number}"]`);
    await row.waitFor();
    await row.locator('.badge.new').waitFor();
    expect(await unit.page.evaluate('window.__notReloaded')).toBe(true);
    await intake.page.locator(`#mine-panel [data-ticket="${number}"]`).getByText('待签收').waitFor();
    await row.click();
    const sign = unit.page.getByRole('button', { name: '签收', exact: true });
    await sign.click();
    await sign.waitFor({ state: 'detached' });
    await unit.page.getByLabel('联系情况').fill('已电话联系王先生，约定今天下午清运');
    await unit.page.getByRole('button', { name: '记录联系' }).click();
    await unit.page.getByText(/首次联系：/).waitFor();
    await unit.page.getByLabel(/答复内容/).fill('已安排环卫车辆于当日下午清运完毕，并增加每日清运频次。');
    await screenshot(unit.page, '05-unit-workbench');
    await expectAccessible(unit.page, 'unit workbench');
    await expectAllLabelled(unit.page, 'unit workbench');
    await unit.page.getByRole('button', { name: '提交答复' }).click();
    await row.getByText('已答复').waitFor();

    // ── The reviewer approves the reply. ──
    await desk.page.getByRole('tab', { name: /答复审核/ }).click();
    const review = desk.page.locator('.queue button', { hasText: number });
    await review.click();
    await desk.page.getByRole('button', { name: '审核通过' }).click();
    await review.waitFor({ state: 'detached' });

    // ── The callback agent records satisfaction. ──
    const cb = keep(await signIn(browser, app, 'callback1', '/callback'));
    const cbItem = cb.page.locator(`.queue button[data-ticket="${number}"]`);
    await cbItem.click();
    await cb.page.getByRole('radio', { name: '已接通' }).waitFor();
    await cb.page.getByRole('radio', { name: '满意', exact: true }).check();
    await screenshot(cb.page, '07-callback');
    await expectAccessible(cb.page, 'callback');
    await expectAllLabelled(cb.page, 'callback');
    await cb.page.getByLabel('回访备注').fill('市民表示满意');
    await cb.page.keyboard.press('Enter');
    await cbItem.waitFor({ state: 'detached' });

    // ── The wallboard's counts changed live; the operator sees the ticket closed. ──
    await expect.poll(() => counter(wall.page, 'closed-today')).toBe(closedBefore + 1);
    await intake.page.locator(`#mine-panel [data-ticket="${number}"]`).getByText('已办结').waitFor();

    // Rates, ranking and trend come from the evaluation engine's rollup (a cron job every minute; run here).
    await rollup(app.deps, app.deps.clock.now());
    await wall.page.reload();
    await wall.page.locator('[data-gauge="满意率"] [aria-label="满意率 100.0%"]').waitFor();
    await wall.page.locator('.ranking').getByText('东华街道').waitFor();
    await wall.page.locator('.trend[data-rendered="true"]').waitFor();
    await screenshot(wall.page, '11-wallboard-after');
    await expectAccessible(wall.page, 'wallboard with metrics');
    await expectAllLabelled(wall.page, 'wallboard');

    // ── The citizen looks it up on a phone. ──
    const citizen = keep(await newUserPage(browser, app, { mobile: true }));
    await citizen.page.goto(`/lookup?n=${number}`);
    await expect.poll(() => activeId(citizen.page)).toBe('lk-last4');
    await citizen.page.keyboard.type('0000');
    await citizen.page.keyboard.press('Enter');
    await citizen.page
      .getByRole('alert')
      .getByText(/未查到该工单/)
      .waitFor();
    await citizen.page.locator('#lk-last4').fill(PHONE.slice(-4));
    await citizen.page.keyboard.press('Enter');
    const result = citizen.page.locator('.lookup-result');
    await result.getByText('已办结').first().waitFor();
    await result.getByText('已安排环卫车辆于当日下午清运完毕').waitFor();
    const shown = await result.innerText();
    expect(shown).not.toContain('王先生');
    expect(shown).not.toContain(PHONE);
    expect(shown).not.toContain('约定今天下午清运'); // the unit's contact note is internal
    expect(await citizen.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(citizen.page, '08-lookup-mobile');
    await expectAccessible(citizen.page, 'citizen look-up');
    await expectAllLabelled(citizen.page, 'citizen look-up');
  }, 150_000);

  it('a telephony call event pops the caller on that operator’s console', async () => {
    const intake = pages.find((p) => p.page.url().endsWith('/intake'))!;
    await intake.page.locator('#in-phone').fill('');
    const admin = await apiSession(app.api.base, 'admin');
    const r = await admin('POST', '/api/telephony/call-events', { phone: '139 1234 5678', agent: 'operator1' });
    expect(r.status).toBe(202);
    await expect.poll(() => intake.page.locator('#in-phone').inputValue()).toBe(PHONE);
    await intake.page.locator('#caller-panel li').first().waitFor();
    expect(await activeId(intake.page)).toBe('in-name');
  }, 120_000);
});

describe('keyboard-first intake', () => {
  it('the sign-in screen is labelled, accessible and shows focus', async () => {
    const anon = keep(await newUserPage(browser, app));
    await anon.page.goto('/');
    await anon.page.getByLabel('用户名').waitFor();
    expect(await activeId(anon.page)).toBe('login-user');
    await expectFocusVisible(anon.page, 'username field');
    await screenshot(anon.page, '01-login');
    await expectAccessible(anon.page, 'login');
    await expectAllLabelled(anon.page, 'login');
  }, 60_000);

  it('the "办不成事" window clerk logs a complaint with its fields, keyboard only', async () => {
    const clerk = keep(await signIn(browser, app, 'clerk1', '/window'));
    const k = clerk.page.keyboard;
    await expect.poll(() => activeId(clerk.page)).toBe('in-phone');
    await k.type('13700001111');
    await k.press('Tab');
    await k.type('李女士');
    await k.press('Tab');
    await k.press('ArrowDown');
    await k.press('ArrowDown'); // 投诉
    await k.press('Tab');
    await k.press('Tab');
    await k.type('窗口服务');
    await clerk.page.getByRole('option', { name: /窗口服务/ }).waitFor();
    await k.press('Enter');
    await k.press('Tab');
    await k.type('在政务大厅办理居住证，窗口要求提供不必要的证明材料，多次往返办不成');
    await k.press('Tab');
    await k.type('西湖区政务服务中心');
    await k.press('Tab');
    expect(await activeId(clerk.page)).toBe('in-matter');
    await k.type('居住证办理');
    await k.press('Tab');
    await k.type('公安户政窗口');
    await k.press('Tab');
    await k.press('ArrowDown');
    await k.press('ArrowDown'); // 材料要求不合理
    expect(await clerk.page.locator('#in-reason').inputValue()).toBe('documents');
    await screenshot(clerk.page, '09-window-clerk');
    await expectAccessible(clerk.page, 'window clerk');
    await expectAllLabelled(clerk.page, 'window clerk');
    await k.press('Enter');
    const number = (await clerk.page.getByTestId('receipt-number').innerText()).trim();
    const disp = await apiSession(app.api.base, 'dispatcher1');
    const list = await disp('GET', `/api/tickets?number=${number}`);
    const view = await disp('GET', `/api/tickets/${list.body.items[0].id}`);
    expect(view.body).toMatchObject({
      channel: 'window',
      status: 'awaiting_dispatch',
      window: { matter: '居住证办理', hallDepartment: '公安户政窗口', reason: 'documents' },
    });

    // The same screen in English, and back.
    await clerk.page.getByRole('button', { name: 'English' }).click();
    await clerk.page.getByRole('heading', { name: '"Can\'t get it done" window' }).waitFor();
    expect(await clerk.page.evaluate('document.documentElement.lang')).toBe('en');
    await clerk.page.getByRole('button', { name: '中文' }).click();
    await clerk.page.getByRole('heading', { name: '“办不成事”反映窗口' }).waitFor();
  }, 60_000);

  it('F8 closes a consultation as a direct answer from the knowledge base, F4 jumps to the search', async () => {
    const intake = pages.find((p) => p.page.url().endsWith('/intake'))!;
    const k = intake.page.keyboard;
    await k.press('F2'); // new call
    await expect.poll(() => activeId(intake.page)).toBe('in-phone');
    await k.type('13800002222');
    await k.press('Tab');
    await k.press('Tab'); // type stays 咨询
    await k.press('Tab');
    await k.press('Tab');
    await k.type('社保卡业务');
    await intake.page.getByRole('option', { name: /社保卡业务/ }).waitFor();
    await k.press('Enter');
    await k.press('Tab');
    await k.type('社保卡丢了应该怎么补办，需要带什么材料');
    const first = intake.page.locator('#kb-results li.active');
    await first.getByText('社保卡挂失补办流程').waitFor();
    await k.press('F4');
    expect(await activeId(intake.page)).toBe('kb-q');
    await expectFocusVisible(intake.page, 'knowledge-base search');
    await screenshot(intake.page, '10-intake-knowledge-base');
    await expectAccessible(intake.page, 'intake with knowledge base');
    await k.press('F8');
    const receipt = intake.page.locator('.receipt');
    await receipt.getByText('直接答复').waitFor();
    await receipt.getByText('已办结').waitFor();
  }, 120_000);
});
