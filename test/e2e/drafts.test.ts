/**
 * Nothing typed is lost, and the small things people notice, in Chromium: the intake draft survives a reload and a
 * new sign-in and is cleared on save; digits typed right after Enter land in the next call's form; the dispatch
 * button without scrolling at 1366×768, the way home, the shortcuts overlay, errors beside their field.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, browserSuite, expectAccessible, newUserPage, signIn } from './harness.ts';

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

describe('small things people notice', () => {
  const call = async (content: string, phone = '13600004444') => {
    const op = await apiSession(s.app.api.base, 'operator1');
    const cats = (await op('GET', '/api/categories')).body.items as { id: number; name: string }[];
    const r = await op('POST', '/api/tickets', {
      type: 'complaint',
      categoryId: cats.find((c) => c.name === '垃圾清运')!.id,
      content,
      address: '东城区东华街道幸福里5号',
      caller: { name: '赵先生', phone },
    });
    expect(r.status).toBe(201);
    return r.body as { id: number; number: string };
  };

  it('dispatch at 1366×768: the button shows without scrolling; assisting units are picked by typing; "?" lists the shortcuts', async () => {
    const ticket = await call('小区门口垃圾堆放多日无人清运，影响通行，请派单处理');
    const u = s.keep(await signIn(s.browser, s.app, 'dispatcher1', '/dispatch'));
    const p = u.page;
    p.setDefaultTimeout(8000);
    await p.setViewportSize({ width: 1366, height: 768 });
    await p.locator('.queue button', { hasText: ticket.number }).click();
    const submit = p.locator('#dp-submit');
    await submit.waitFor();
    const box = (await submit.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    expect(await p.evaluate('window.scrollY')).toBe(0);

    // The picker: type part of a name, Enter adds it as a chip (the form is not submitted), Backspace removes it.
    const picker = p.locator('#dp-assist');
    while ((await p.locator('#dp-assist-field .chip-remove').count()) > 0) await p.locator('#dp-assist-field .chip-remove').first().click();
    await picker.fill('城市管理');
    await p.locator('#dp-assist-list [role=option]').first().waitFor();
    await picker.press('Enter');
    await expect.poll(() => p.locator('#dp-assist-field [data-chip]').count()).toBe(1);
    expect(await p.locator('#dp-assist-field [data-chip]').innerText()).toContain('城市管理');
    expect(await picker.inputValue()).toBe('');
    await picker.fill('交通');
    await p.locator('#dp-assist-list [role=option]').first().waitFor();
    await picker.press('ArrowDown');
    await picker.press('Enter');
    await expect.poll(() => p.locator('#dp-assist-field [data-chip]').count()).toBe(2);
    await picker.press('Backspace');
    await expect.poll(() => p.locator('#dp-assist-field [data-chip]').count()).toBe(1);
    await expectAccessible(p, 'dispatch form with the picker');

    // "?" outside a field opens the overlay; typed in a field it is just a character.
    await picker.fill('?');
    expect(await p.getByTestId('shortcuts-help').count()).toBe(0);
    await picker.fill('');
    await p.locator('h1, .screen-title').first().click();
    await p.keyboard.press('?');
    const help = p.getByTestId('shortcuts-help');
    await help.waitFor();
    expect(await help.innerText()).toContain('切换队列标签');
    await expectAccessible(p, 'shortcuts overlay');
    await p.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  }, 90_000);

  it('a screen the role may not use offers the way home; the brand leads home from every screen', async () => {
    const u = s.keep(await signIn(s.browser, s.app, 'operator1', '/intake'));
    const p = u.page;
    p.setDefaultTimeout(8000);
    await p.keyboard.press('?');
    expect(await p.getByTestId('shortcuts-help').count()).toBe(0); // the phone field has focus: "?" is typed there
    await p.goto('/reports');
    await p.getByRole('alert').getByText('不能使用此页面').waitFor();
    await expectAccessible(p, 'not allowed here');
    await p.getByRole('link', { name: '返回首页', exact: true }).click();
    await p.waitForURL('**/intake');
    await p.locator('#in-phone').waitFor();
    await p.goto('/reports');
    await p.locator('a.brand').click();
    await p.waitForURL('**/intake');
  }, 60_000);

  it('errors show beside the field they concern; the citizen look-up takes the number without its dash', async () => {
    const u = s.keep(await signIn(s.browser, s.app, 'operator1', '/intake'));
    const p = u.page;
    p.setDefaultTimeout(8000);
    await p.locator('#in-phone').fill('12345');
    await p.locator('#in-category').fill('垃圾清运');
    await p.locator('#in-category-list [role=option]').first().waitFor();
    await p.keyboard.press('Enter');
    await p.locator('#in-content').fill('路边垃圾桶破损多日，希望更换新的垃圾桶');
    await p.locator('#in-content').press('Enter');
    const err = p.locator('[data-field-error="in-phone"]');
    await err.waitFor();
    expect(await p.locator('#in-phone').getAttribute('aria-invalid')).toBe('true');
    expect(await p.locator('#in-phone').getAttribute('aria-describedby')).toContain('in-phone-error');
    expect(await p.locator('#in-phone').inputValue()).toBe('12345'); // the call came back into the form
    await expectAccessible(p, 'intake with a field error');

    const ticket = await call('楼道灯坏了一个月没人修，晚上很不安全', '13600005678');
    const citizen = s.keep(await newUserPage(s.browser, s.app));
    await citizen.page.goto('/lookup');
    await citizen.page.locator('#lk-number').fill(ticket.number.replace('-', ''));
    await citizen.page.locator('#lk-last4').fill('5678');
    await citizen.page.locator('#lk-last4').press('Enter');
    await citizen.page.locator('#lk-result-h').getByText(ticket.number).waitFor({ timeout: 8000 });
    await expectAccessible(citizen.page, 'citizen look-up');
  }, 60_000);
});
