/**
 * The citizen rates the handling (好差评) on a phone-sized screen (375×667), without an account: through the
 * one-time link the reply's SMS carries (/rate?t=…), and from the look-up page. The same link again shows the
 * rating given; a forged link is refused in words; nothing personal is on the page; no horizontal scroll; the
 * level tiles are at least 44 px; the page passes axe.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite, expectAccessible, expectAllLabelled, expectFocusVisible, newUserPage, screenshot } from './harness.ts';
import { ratableAtDonghua, CALLER_LAST4 } from './rating-ticket.ts';

const suite = browserSuite();

async function phone() {
  const u = suite.keep(await newUserPage(suite.browser, suite.app, { mobile: true }));
  await u.page.setViewportSize({ width: 375, height: 667 });
  return u.page;
}

const noHorizontalScroll = (p: Page) => p.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
/** Width and height of every level tile and of the submit button. */
const targetSizes = (p: Page) =>
  p.evaluate(`[...document.querySelectorAll('.rate-level, .rate-submit')].map((el) => {
    const r = el.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })`) as Promise<[number, number][]>;

async function expectNothingPersonal(p: Page) {
  const shown = await p.locator('main').innerText();
  for (const personal of ['李女士', '13911112222', '幸福里']) expect(shown).not.toContain(personal);
}

describe('citizen rating on a phone', () => {
  it('rates through the SMS link with the keyboard; the same link then shows 已评价; a forged link is refused', async () => {
    const { v, token } = await ratableAtDonghua(suite.app, '小区路灯损坏多日，夜间出行不便');
    const p = await phone();
    await p.goto(`/rate?t=${encodeURIComponent(token)}`);
    await p.locator('[data-number]', { hasText: v.number }).waitFor();
    await p.locator('main').getByText('已办结').waitFor();
    await expectNothingPersonal(p);

    const sizes = await targetSizes(p);
    expect(sizes).toHaveLength(6); // five levels and the submit button
    for (const [w, h] of sizes) expect(Math.min(w, h)).toBeGreaterThanOrEqual(44);
    expect(await noHorizontalScroll(p)).toBe(true);

    // Keyboard only. Tab from the heading reaches the level group; submitting without a level says so and
    // brings the focus back to the group; the arrows move the choice; then the comment, and Enter on the button.
    await p.keyboard.press('Tab');
    expect(await p.evaluate('document.activeElement.id')).toBe('rt-very_satisfied');
    await expectFocusVisible(p, 'first rating level');
    await p.keyboard.press('Tab'); // the comment
    await p.keyboard.press('Tab'); // the button
    await p.keyboard.press('Enter');
    await p.getByRole('alert').getByText('请选择一项评价。').waitFor();
    expect(await p.evaluate('document.activeElement.id')).toBe('rt-very_satisfied');
    await p.keyboard.press('ArrowDown');
    expect(await p.getByRole('radio', { name: '满意', exact: true }).isChecked()).toBe(true);
    await p.keyboard.press('Tab');
    await p.keyboard.type('处理及时，谢谢');
    await p.getByText('7/500 字').waitFor();
    await screenshot(p, 'rate-mobile-form');
    await expectAccessible(p, 'rate page (form)');
    await expectAllLabelled(p, 'rate page (form)');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Enter');

    const thanks = p.locator('.rate-thanks');
    await thanks.getByText('感谢您的评价！').waitFor();
    await thanks.getByText(/^您已评价：满意（2026\/03\/\d\d \d\d:\d\d）$/).waitFor();
    expect(await noHorizontalScroll(p)).toBe(true);
    await expectAccessible(p, 'rate page (thanks)');

    // The one-time link again: 已评价 with the level given, and no form.
    await p.reload();
    const done = p.locator('[data-state="rated"]');
    await done.getByText('已评价', { exact: true }).waitFor();
    await done.getByText(/^您已评价：满意（/).waitFor();
    expect(await p.locator('.rate-form').count()).toBe(0);
    expect(await noHorizontalScroll(p)).toBe(true);
    await screenshot(p, 'rate-mobile-rated');
    await expectAccessible(p, 'rate page (rated)');

    // A forged link (one character changed) and a link without its token: refused in words, with the way to rate.
    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    await p.goto(`/rate?t=${encodeURIComponent(forged)}`);
    await p
      .getByRole('alert')
      .getByText(/评价链接无效/)
      .waitFor();
    await p.getByRole('link', { name: '前往工单查询页' }).waitFor();
    await p.goto('/rate');
    await p
      .getByRole('alert')
      .getByText(/评价链接不完整/)
      .waitFor();
    await expectAccessible(p, 'rate page (invalid link)');
  }, 120_000);

  it('rates from the look-up page with the number and last four digits; looking up again shows the rating given', async () => {
    const { v } = await ratableAtDonghua(suite.app, '楼下餐馆油烟直排，影响居民开窗');
    const p = await phone();
    await p.goto(`/lookup?n=${v.number}`);
    await p.locator('#lk-last4').fill(CALLER_LAST4);
    await p.keyboard.press('Enter');
    const section = p.locator('.lookup-rating');
    await section.getByRole('heading', { name: '评价办理结果' }).waitFor();
    for (const [w, h] of await targetSizes(p)) expect(Math.min(w, h)).toBeGreaterThanOrEqual(44);
    await section.getByText('非常满意').click(); // the whole tile is the target
    expect(await section.getByRole('radio', { name: '非常满意' }).isChecked()).toBe(true);
    expect(await noHorizontalScroll(p)).toBe(true);
    await expectAccessible(p, 'look-up with the rating form');
    await expectAllLabelled(p, 'look-up with the rating form');
    await section.getByRole('button', { name: '提交评价' }).click();
    await section.getByText(/^您已评价：非常满意（/).waitFor();
    await expectNothingPersonal(p);

    // Looked up again: the rating given (from the answer, not the thanks of the form), no form.
    await p.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => p.locator('.lookup-rating .rate-thanks').count()).toBe(0);
    await p
      .locator('.lookup-rating .rate-given')
      .getByText(/^您已评价：非常满意（2026\/03\/\d\d \d\d:\d\d）$/)
      .waitFor();
    expect(await p.locator('.lookup-rating .rate-form').count()).toBe(0);
    await screenshot(p, 'lookup-mobile-rated');
  }, 120_000);

  // Last in this file: it uses up the address's rating allowance (10 a minute) for the tests after it.
  it('rate limiting is said in words on the page', async () => {
    const base = suite.app.api.base;
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++) status = (await fetch(`${base}/api/public/ratings/link?token=rt_not_a_real_link_${i}`)).status;
    expect(status).toBe(429);
    const p = await phone();
    await p.goto('/rate?t=rt_not_a_real_link_x');
    await p.getByRole('alert').getByText('操作过于频繁，请一分钟后再试。').waitFor();
    expect(await noHorizontalScroll(p)).toBe(true);
  }, 60_000);
});
