/**
 * Nothing typed is lost (issue 15, point 3) and the small things (point 7), in Chromium: the intake draft
 * survives a reload and a new sign-in and is cleared on save; digits typed right after Enter land in the next
 * call's form.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, browserSuite, expectAccessible, signIn } from './harness.ts';

const s = browserSuite();
const CONTENT = '楼下饭店油烟直排，晚上六点到九点最严重，希望尽快处理';

describe('drafts and keystrokes at intake', () => {
  it('a half-typed call survives a reload and a new sign-in, and is cleared when saved', async () => {
    const first = s.keep(await signIn(s.browser, s.app, 'operator1', '/intake'));
    const p = first.page;
    p.setDefaultTimeout(8000);
    await p.locator('#in-phone').fill('13700001111');
    await p.locator('#in-name').fill('李女士');
    const saved = p.waitForResponse((r) => r.url().endsWith('/api/drafts/intake') && r.request().method() === 'PUT');
    await p.locator('#in-content').fill(CONTENT);
    expect((await saved).status()).toBe(200);

    await p.reload();
    await p.locator('.screen-title').waitFor();
    await expect.poll(() => p.locator('#in-content').inputValue()).toBe(CONTENT);
    expect(await p.locator('#in-phone').inputValue()).toBe('13700001111');
    expect(await p.locator('#in-name').inputValue()).toBe('李女士');

    // Another browser (no local copy): the server's draft comes back after signing in.
    const second = s.keep(await signIn(s.browser, s.app, 'operator1', '/intake'));
    const q = second.page;
    q.setDefaultTimeout(8000);
    await expect.poll(() => q.locator('#in-content').inputValue()).toBe(CONTENT);
    expect(await q.locator('#in-phone').inputValue()).toBe('13700001111');
    await expectAccessible(q, 'intake (restored draft)');

    // Saved: the form is empty, and so is the draft (here and on the server).
    await q.locator('#in-category').fill('垃圾清运');
    await q.locator('#in-category-list [role=option]').first().waitFor();
    await q.keyboard.press('Enter');
    await q.locator('#in-content').press('Enter');
    await q.getByTestId('receipt-number').waitFor();
    expect(await q.locator('#in-content').inputValue()).toBe('');
    const op = await apiSession(s.app.api.base, 'operator1');
    await expect.poll(async () => (await op('GET', '/api/drafts/intake')).body.body, { timeout: 5000 }).toBeNull();
    await q.reload();
    await q.locator('.screen-title').waitFor();
    await q.waitForTimeout(500);
    expect(await q.locator('#in-content').inputValue()).toBe('');
    expect(await q.locator('#in-phone').inputValue()).toBe('');
  }, 120_000);

  it('digits typed right after Enter land in the next call while the save is still on its way', async () => {
    const u = s.keep(await signIn(s.browser, s.app, 'operator2', '/intake'));
    const p = u.page;
    p.setDefaultTimeout(8000);
    // A slow network: the save takes a second and a half to answer.
    await p.route('**/api/tickets', async (route) => {
      if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    const k = p.keyboard;
    await k.type('13700002222');
    await p.locator('#in-category').fill('垃圾清运');
    await p.locator('#in-category-list [role=option]').first().waitFor();
    await k.press('Enter');
    await p.locator('#in-content').fill(CONTENT);
    await p.locator('#in-address').focus();
    const posted = p.waitForRequest((r) => r.url().endsWith('/api/tickets') && r.method() === 'POST');
    await k.press('Enter');
    await k.type('13900003333'); // the next caller's number, typed before the first save has answered
    const body = (await posted).postDataJSON() as { caller: { phone: string }; content: string };
    expect(body).toMatchObject({ caller: { phone: '13700002222' }, content: CONTENT });
    await p.getByTestId('receipt-number').waitFor();
    expect(await p.locator('#in-phone').inputValue()).toBe('13900003333');
    expect(await p.locator('#in-content').inputValue()).toBe('');
    expect(await p.evaluate('document.activeElement.id')).toBe('in-phone');
  }, 90_000);
});
