/**
 * The notification centre in the browser (消息中心): a unit handler sits on the unit desk while the centre approves
 * the unit's reply, the caller is dissatisfied and the supervisor reopens the ticket — all through the API. Without
 * a reload the bell's count rises, the opted-in sound plays and a desktop notification names 重办 and the number,
 * the queue flags the ticket 重办, the panel lists the reopened notification (unread), and opening it marks it read
 * and shows the ticket's page. Desktop notifications and audio are observed through stand-ins installed before the
 * app loads (the permission prompt cannot be clicked in headless Chromium).
 */
import { describe, expect, it } from 'vitest';
import { apiSession, browserSuite, expectAccessible, expectAllLabelled, ok, screenshot, signIn, ticketAtDonghua } from './harness.ts';

const suite = browserSuite();

/** Stand-ins for Notification (granting on request, recording each shown) and a count of WebAudio oscillators. */
const OBSERVE_ALERTS = `(() => {
  window.__shown = []; window.__asked = 0; window.__tones = 0;
  class FakeNotification {
    static permission = 'default';
    static async requestPermission() { window.__asked++; FakeNotification.permission = 'granted'; return 'granted'; }
    constructor(title, opts) { window.__shown.push({ title, body: opts && opts.body, tag: opts && opts.tag }); }
    close() {}
  }
  window.Notification = FakeNotification;
  const osc = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.__tones++; return osc.call(this); };
})()`;

describe('notification centre', () => {
  it('a reopen reaches the unit live: badge, sound, desktop notification, 重办 on the queue, the panel, read on open', async () => {
    const { v, sessions } = await ticketAtDonghua(suite.app.api.base, '小区垃圾桶满溢多日无人清运，异味严重', { sign: true });
    const id = v.id as number;
    const number = v.number as string;
    const unit = suite.keep(await signIn(suite.browser, suite.app, 'handler.s-donghua', '/unit'));
    const p = unit.page;
    await unit.context.addInitScript(OBSERVE_ALERTS);
    await p.reload();
    await p.locator('[data-live="online"]').waitFor();
    await p.locator(`.queue button[data-ticket="${number}"]`).waitFor();

    const bell = p.locator('button.bell');
    const unreadNow = async () => (await ok(sessions.unit, 'GET', '/api/inbox/unread-count')).unread as number;
    const before = await unreadNow();
    expect(before).toBeGreaterThan(0); // the dispatch itself
    await expect.poll(() => bell.getAttribute('data-unread')).toBe(String(before));
    expect(await bell.getAttribute('aria-label')).toBe(`消息中心，${before} 条未读`);
    expect(await p.locator(`.queue button[data-ticket="${number}"] .badge.redo`).count()).toBe(0);

    // Opt in to both alerts from the panel: the desktop permission is asked in that click; the sound plays a sample.
    await bell.click();
    expect(await bell.getAttribute('aria-expanded')).toBe('true');
    const panel = p.locator('#inbox-panel');
    await expect.poll(() => p.evaluate('document.activeElement && document.activeElement.id')).toBe('inbox-panel');
    await panel.getByLabel('桌面通知').check();
    await expect.poll(() => p.evaluate('window.__asked')).toBe(1);
    expect(await panel.getByLabel('桌面通知').isChecked()).toBe(true);
    await panel.getByLabel('声音提醒').check();
    await expect.poll(() => p.evaluate('window.__tones')).toBeGreaterThan(0);
    await p.keyboard.press('Escape');
    expect(await bell.getAttribute('aria-expanded')).toBe('false');
    expect(await panel.count()).toBe(0);
    expect(await p.evaluate('document.activeElement && document.activeElement.className')).toBe('bell');
    await p.evaluate('window.__tones = 0; window.__stay = true');

    // Reply, approval, a dissatisfied callback and the reopen, all elsewhere.
    const [agent, supervisor] = await Promise.all([apiSession(suite.app.api.base, 'callback1'), apiSession(suite.app.api.base, 'supervisor1')]);
    const lead = v.assignments.at(-1);
    let t = await ok(sessions.unit, 'POST', `/api/assignments/${lead.id}/reply`, { version: lead.version, content: '已安排环卫车辆清运并清洗垃圾桶周边。' });
    t = await ok(sessions.dispatcher, 'POST', `/api/tickets/${id}/reply/approve`, { version: t.version });
    t = await ok(agent, 'POST', `/api/tickets/${id}/callback`, { version: t.version, reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    await ok(supervisor, 'POST', `/api/tickets/${id}/reopen`, { version: t.version, reason: '诉求人反映垃圾仍未清运，要求重办' });

    // Live, on the same page: the approval and the reopen raise the count by two.
    const after = await unreadNow();
    expect(after).toBe(before + 2);
    await expect.poll(() => bell.getAttribute('data-unread'), { timeout: 10_000 }).toBe(String(after));
    expect(await p.evaluate('window.__stay')).toBe(true);
    await expect.poll(() => p.evaluate('window.__shown.map((n) => n.title)')).toContain(`重办 ${number}`);
    expect(await p.evaluate('window.__tones')).toBeGreaterThan(0);

    // The queue flags the reopened ticket 重办, like a new one.
    const row = p.locator(`.queue button[data-ticket="${number}"]`);
    await row.locator('.badge.redo', { hasText: '重办' }).waitFor();
    expect(await row.getAttribute('class')).toContain('fresh');

    // The panel lists it first, unread, with its number, unit and time.
    await bell.click();
    const item = panel.locator('li.inbox-item').first();
    await item.waitFor();
    expect(await item.getAttribute('data-kind')).toBe('reopened');
    expect(await item.getAttribute('class')).toContain('unread');
    const text = (await item.textContent()) ?? '';
    for (const want of ['未读', '重办', number, '第 1 次重办', '东华街道']) expect(text).toContain(want);
    expect(await item.locator('time').textContent()).toMatch(/^03\/10 09:3\d$/); // Shanghai time of a 01:3x UTC reopen
    expect(await item.getByRole('link', { name: number }).getAttribute('href')).toBe(`/tickets/${number}`);
    await screenshot(p, '30-notification-panel');
    await expectAccessible(p, 'unit desk with the notification panel open');
    await expectAllLabelled(p, 'unit desk with the notification panel open');

    // Opening it marks it read and shows the ticket's page; the count falls by one.
    await item.locator('.inbox-title').click();
    await p.waitForURL(`**/tickets/${number}`);
    await expect.poll(() => bell.getAttribute('data-unread')).toBe(String(after - 1));
    expect(await unreadNow()).toBe(after - 1);
    const reopened = (await ok(sessions.unit, 'GET', '/api/inbox?limit=5')).items.find(
      (i: { kind: string; ticketId: number }) => i.kind === 'reopened' && i.ticketId === id,
    );
    expect(reopened.readAt).not.toBeNull();
    await expectAccessible(p, 'ticket page reached from a notification');

    // 全部已读 clears the rest.
    await bell.click();
    await panel.getByRole('button', { name: '全部已读' }).click();
    await expect.poll(() => bell.getAttribute('data-unread')).toBe('0');
    expect(await panel.locator('li.inbox-item.unread').count()).toBe(0);
    expect(await bell.getAttribute('aria-label')).toBe('消息中心，没有未读消息');
    expect(await unreadNow()).toBe(0);
  }, 120_000);

  it('every role has the bell (the dispatcher sees a review request); 加载更多 pages back, newest first, to the last', async () => {
    const base = suite.app.api.base;
    // Twenty-one more dispatches to 东华街道: its handler's list is longer than one page.
    for (let n = 0; n < 21; n++) await ticketAtDonghua(base, `路灯不亮第${n + 1}处，晚上出行不便`);
    const [dispatcher, handler] = await Promise.all([apiSession(base, 'dispatcher1'), apiSession(base, 'handler.s-donghua')]);

    const desk = suite.keep(await signIn(suite.browser, suite.app, 'dispatcher1', '/dispatch'));
    const dUnread = (await ok(dispatcher, 'GET', '/api/inbox/unread-count')).unread as number;
    expect(dUnread).toBeGreaterThan(0); // the reply of the first test asked every dispatcher for review
    const dBell = desk.page.locator('button.bell');
    await expect.poll(() => dBell.getAttribute('data-unread')).toBe(String(dUnread));
    await dBell.focus();
    await desk.page.keyboard.press('Enter');
    const dFirst = desk.page.locator('#inbox-panel li.inbox-item').first();
    await dFirst.waitFor();
    const newest = (await ok(dispatcher, 'GET', '/api/inbox?limit=1')).items[0];
    expect(await dFirst.getAttribute('data-inbox')).toBe(String(newest.id));
    expect(newest.kind).toBe('review_requested');
    expect(await dFirst.textContent()).toContain('待审核');
    await expectAccessible(desk.page, 'dispatch desk with the notification panel open');
    await desk.page.keyboard.press('Escape');
    expect(await dBell.getAttribute('aria-expanded')).toBe('false');

    const all = (await ok(handler, 'GET', '/api/inbox?limit=100')).items as { id: number }[];
    expect(all.length).toBeGreaterThan(20);
    const unit = suite.keep(await signIn(suite.browser, suite.app, 'handler.s-donghua', '/unit'));
    await unit.page.locator('button.bell').click();
    const rows = unit.page.locator('#inbox-panel li.inbox-item');
    await expect.poll(() => rows.count()).toBe(20);
    const more = unit.page.getByRole('button', { name: '加载更多' });
    while (await more.count()) {
      const shown = await rows.count();
      await more.click();
      await expect.poll(() => rows.count()).toBe(Math.min(all.length, shown + 20));
    }
    const ids = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-inbox'))));
    expect(ids).toEqual(all.map((i) => i.id)); // every one, once, newest first
  }, 180_000);
});
