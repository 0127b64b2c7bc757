import { describe, expect, it } from 'vitest';
import { apiSession, browserSuite, ok, ticketAtDonghua, expectAccessible, expectAllLabelled, runningClock, screenshot, signIn } from './harness.ts';
import type { TestDeps } from '../setup/db.ts';

// Dispatched on Tuesday 3/10 at 09:30 in Shanghai; the unit records the contact on Thursday 3/12 at 11:30.
const DISPATCHED = '2026-03-10T01:30:00Z';
const TWO_DAYS_LATER = '2026-03-12T03:30:00Z';

const suite = browserSuite(DISPATCHED);

/** A new ticket dispatched to 东华街道 (lead) and signed there; returns its id and number. */
async function signedAtDonghua(content: string) {
  const { v, sessions } = await ticketAtDonghua(suite.app.api.base, content, { sign: true });
  return { id: v.id as number, number: v.number as string, sessions };
}

describe('contact time on the unit desk', () => {
  it('refuses a time before the dispatch and a late entry without its reason, in Chinese; the reason shows in the history', async () => {
    const { number } = await signedAtDonghua('小区门口垃圾桶满溢，已经两天无人清运');
    (suite.app.deps as TestDeps).clock = runningClock(TWO_DAYS_LATER) as TestDeps['clock'];

    const unit = suite.keep(await signIn(suite.browser, suite.app, 'handler.s-donghua', '/unit'));
    const p = unit.page;
    await p.locator(`.queue button[data-ticket="${number}"]`).click();
    await p.getByLabel('联系情况').fill('已电话联系李女士，约定当天下午清运');
    await p.locator('#uc-time-hint', { hasText: /不能早于派单时间 03\/10 09:3\d/ }).waitFor();

    // Before the dispatch: refused, on the time field.
    await p.getByLabel('联系时间').fill('2026-03-10T09:00');
    await p.getByRole('button', { name: '记录联系' }).click();
    const form = p.locator('form[aria-labelledby="uc-h"]');
    await form
      .getByRole('alert')
      .getByText(/联系时间 2026-03-10 09:00 早于本单派给贵单位的时间 2026-03-10 09:3\d/)
      .waitFor();
    expect(await p.getByLabel('联系时间').getAttribute('aria-invalid')).toBe('true');

    // Two days back without a reason: refused, and the reason field asks for it.
    await p.getByLabel('联系时间').fill('2026-03-10T10:15');
    await p.getByRole('button', { name: '记录联系' }).click();
    await form
      .getByRole('alert')
      .getByText(/距现在已超过 24 小时，属于补录，请填写补录原因/)
      .waitFor();
    await expect.poll(() => p.evaluate('document.activeElement && document.activeElement.id')).toBe('uc-reason');
    await screenshot(p, '12-unit-contact-backdate');
    await expectAccessible(p, 'unit workbench: late contact refused');
    await expectAllLabelled(p, 'unit workbench: late contact refused');

    await p.getByLabel('补录原因').fill('当时在现场处置，未能登录系统');
    await p.getByRole('button', { name: '记录联系' }).click();
    await form.getByText(/首次联系：03\/10 10:15 · 03\/12 11:3\d 录入/).waitFor();
    expect(await form.getByRole('alert').count()).toBe(0);
    // The ticket view shows both times; the history shows when and why.
    await p.locator('[data-first-contact]', { hasText: /03\/10 10:15\s*03\/12 11:3\d 录入/ }).waitFor();
    await p.locator('details.history summary').click();
    await p.locator('.timeline').getByText('已电话联系李女士，约定当天下午清运 · 联系时间 03/10 10:15 · 补录原因：当时在现场处置，未能登录系统').waitFor();
  }, 120_000);
});

describe('callback rounds on the callback desk', () => {
  it('after a reopen the queue shows round 2 with its own attempts, and one unreached call keeps the ticket', async () => {
    const { id, number, sessions } = await signedAtDonghua('楼道垃圾长期堆放，多次反映未处理');
    const [agent, supervisor] = await Promise.all([apiSession(suite.app.api.base, 'callback1'), apiSession(suite.app.api.base, 'supervisor1')]);
    const reply = (v: { assignments: { id: number; version: number }[] }) =>
      ok(sessions.unit, 'POST', `/api/assignments/${v.assignments.at(-1)!.id}/reply`, {
        version: v.assignments.at(-1)!.version,
        content: '已安排保洁清理楼道堆放物，并张贴告示。',
      });
    let v = await reply(await ok(sessions.unit, 'GET', `/api/tickets/${id}`));
    v = await ok(sessions.dispatcher, 'POST', `/api/tickets/${id}/reply/approve`, { version: v.version });
    // Round 1 uses all three attempts: two unreached, then a dissatisfied caller.
    v = await ok(agent, 'POST', `/api/tickets/${id}/callback`, { version: v.version, reached: false });
    v = await ok(agent, 'POST', `/api/tickets/${id}/callback`, { version: v.version, reached: false });
    v = await ok(agent, 'POST', `/api/tickets/${id}/callback`, { version: v.version, reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    v = await ok(supervisor, 'POST', `/api/tickets/${id}/reopen`, { version: v.version, reason: '诉求人反映仍有堆放，要求重办' });
    v = await reply(v);
    await ok(sessions.dispatcher, 'POST', `/api/tickets/${id}/reply/approve`, { version: v.version });

    const cb = suite.keep(await signIn(suite.browser, suite.app, 'callback1', '/callback'));
    const item = cb.page.locator(`.queue button[data-ticket="${number}"]`);
    await item.getByText('第 2 轮 · 本轮已拨 0 次，剩 3 次').waitFor();
    await item.click();
    await cb.page.getByText('重办后第 2 轮回访').waitFor();
    await cb.page.getByRole('radio', { name: '未接通' }).check();
    await screenshot(cb.page, '13-callback-round-2');
    await expectAccessible(cb.page, 'callback desk, round 2');
    await expectAllLabelled(cb.page, 'callback desk, round 2');
    await cb.page.getByRole('button', { name: /保存回访/ }).click();
    // Still waiting for the next attempt of this round (it used to close as unreached here).
    await item.getByText('第 2 轮 · 本轮已拨 1 次，剩 2 次').waitFor();
    const after = await ok(agent, 'GET', `/api/tickets/${id}`);
    expect(after).toMatchObject({ status: 'awaiting_callback', callbackRound: 2, callbackAttempts: 1 });
  }, 120_000);
});
