/**
 * Suggestions at intake in Chromium, accepted by keyboard: with models trained on the demo city's categories
 * and units, an operator types a demand, sees the top 3 categories (confidence, weighed words) and units, takes the
 * first category with Alt+1 alone, saves with Enter, and the recorded suggestion names the ticket, its category and
 * rank 1. Where the lead unit is chosen, the dispatcher sees the units suggested at intake, takes the second with
 * Alt+2 alone, dispatches from the keyboard, and the suggestion records the unit.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assistSuggestions, categories, tickets, units } from '../../db/schema/index.ts';
import { storeModels } from '../assist/model-fixture.ts';
import { apiSession, browserSuite, expectAccessible, ok, signIn } from './harness.ts';

const s = browserSuite();
const DEMAND = '东华街道幸福里小区门口的路灯坏了一个星期都不亮，晚上黑漆漆的老人出门不安全';

async function trainOnDemo() {
  const db = s.app.deps.db;
  const cat = async (name: string) => (await db.select({ id: categories.id }).from(categories).where(eq(categories.name, name)))[0]!.id;
  const unit = async (code: string) => (await db.select({ id: units.id }).from(units).where(eq(units.code, code)))[0]!.id;
  const [lamp, rubbish, stall, road] = await Promise.all(['路灯故障', '垃圾清运', '占道经营', '道路破损'].map(cat));
  const [donghua, chaoyangmen, cgw] = await Promise.all(['s-donghua', 's-chaoyangmen', 'dep-cgw'].map(unit));
  const demands: [string, number, number][] = [
    ['小区门口路灯不亮晚上很黑', lamp!, donghua!],
    ['路灯坏了好几天一直不亮请维修', lamp!, donghua!],
    ['路边的路灯一闪一闪晚上不亮', lamp!, cgw!],
    ['垃圾桶满了没人清运发臭', rubbish!, chaoyangmen!],
    ['小区垃圾堆了好几天没有清运', rubbish!, chaoyangmen!],
    ['流动摊贩占道经营堵住人行道', stall!, cgw!],
    ['商户占道摆摊经营', stall!, cgw!],
    ['马路路面破损坑洼很危险', road!, cgw!],
    ['人行道地砖破损绊倒老人', road!, donghua!],
  ];
  await storeModels(db, demands);
  return { lamp: lamp!, donghua: donghua!, rubbish: rubbish! };
}

describe('suggestions at intake', () => {
  it('an operator takes the first suggested category with Alt+1 and saves; the suggestion records the ticket and rank 1', async () => {
    const ids = await trainOnDemo();
    const u = s.keep(await signIn(s.browser, s.app, 'operator1', '/intake'));
    const p = u.page;
    p.setDefaultTimeout(8000);
    const k = p.keyboard;

    await k.type('13700005555'); // the phone field has focus
    await p.locator('#in-content').focus();
    // Every suggestion shown is recorded; the ticket names the last one (typing may pause past the debounce).
    const shown: Promise<number>[] = [];
    p.on('response', (r) => {
      if (r.url().endsWith('/api/assist/suggest') && r.status() === 200) shown.push(r.json().then((b: { id: number }) => b.id));
    });
    await k.type(DEMAND);

    const chips = p.getByTestId('assist-categories').locator('.assist-chip');
    await expect.poll(() => chips.count()).toBe(3);
    const suggestion = { id: await shown.at(-1)! };
    const first = chips.first();
    expect(await first.textContent()).toMatch(/Alt\+1\s*城市管理 \/ 市政设施 \/ 路灯故障\s*\d+%/);
    expect(await p.getByTestId('assist-categories').locator('.assist-words').first().textContent()).toContain('路灯');
    expect(await p.getByTestId('assist-units').locator('li').count()).toBe(3);
    expect(await p.getByTestId('assist-units').locator('li').first().textContent()).toContain('东华街道');
    await expectAccessible(p, 'intake with suggestions');

    // One key takes it: the category field shows it, the chip says so; focus stays in the demand.
    await k.press('Alt+1');
    await expect.poll(() => p.locator('#in-category').inputValue()).toBe('城市管理 / 市政设施 / 路灯故障');
    expect(await first.getAttribute('aria-pressed')).toBe('true');
    expect(await p.evaluate('document.activeElement.id')).toBe('in-content');
    // Nothing is saved by taking a suggestion.
    expect(await s.app.deps.db.select().from(tickets)).toHaveLength(0);

    const posted = p.waitForRequest((r) => r.url().endsWith('/api/tickets') && r.method() === 'POST');
    await k.press('Enter');
    const body = (await posted).postDataJSON() as Record<string, unknown>;
    expect(body).toMatchObject({ categoryId: ids.lamp, assistSuggestionId: suggestion.id, assistAcceptedRank: 1 });
    const number = await p.getByTestId('receipt-number').textContent();

    const [ticket] = await s.app.deps.db.select().from(tickets).where(eq(tickets.number, number!.trim()));
    const [row] = await s.app.deps.db.select().from(assistSuggestions).where(eq(assistSuggestions.id, suggestion.id));
    expect(row).toMatchObject({ ticketId: ticket!.id, chosenCategoryId: ids.lamp, acceptedCategoryRank: 1, appliedAutomatically: false });
    expect(row!.categories[0]!.id).toBe(ids.lamp);
    expect(row!.units[0]!.id).toBe(ids.donghua);

    // The next call starts without the last one's suggestions.
    await expect.poll(() => p.getByTestId('assist-categories').count()).toBe(0);
  }, 120_000);

  it('a dispatcher takes the second unit suggested at intake with Alt+2 and dispatches; the suggestion records the unit', async () => {
    const ids = await trainOnDemo();
    // A ticket taken with a suggestion shown (垃圾清运 has no auto-dispatch: it waits at the desk)
    const operator = await apiSession(s.app.api.base, 'operator1');
    const content = '朝阳门那边小区的垃圾桶满了好几天没人清运，味道很大';
    const suggestion = await ok(operator, 'POST', '/api/assist/suggest', { content, channel: 'phone' });
    const created = await ok(operator, 'POST', '/api/tickets', {
      type: 'complaint',
      categoryId: ids.rubbish,
      title: '垃圾桶满溢无人清运',
      content,
      address: '东城区朝阳门街道东四北路12号',
      caller: { name: '赵女士', phone: '13911114444' },
      assistSuggestionId: suggestion.id,
    });
    expect(created.status).toBe('awaiting_dispatch');
    const [second, third] = [suggestion.units[1], suggestion.units[2]];

    const d = s.keep(await signIn(s.browser, s.app, 'dispatcher1', '/dispatch'));
    const p = d.page;
    p.setDefaultTimeout(8000);
    await p.locator('.queue button.item', { hasText: created.number }).click();
    const shown = p.getByTestId('model-units').locator('.assist-chip');
    await expect.poll(() => shown.count()).toBe(3);
    expect(await shown.nth(1).textContent()).toMatch(new RegExp(`Alt\\+2\\s*${second.name}\\s*\\d+%`));
    await expectAccessible(p, 'dispatch desk with suggested units');

    // One key takes it into the lead field; nothing is dispatched by it.
    await p.keyboard.press('Alt+2');
    await expect.poll(() => p.locator('#dp-lead').inputValue()).toBe(String(second.id));
    expect(await shown.nth(1).getAttribute('aria-pressed')).toBe('true');
    expect((await s.app.deps.db.select().from(tickets).where(eq(tickets.id, created.id)))[0]!.status).toBe('awaiting_dispatch');
    await p.keyboard.press('Alt+3');
    await expect.poll(() => p.locator('#dp-lead').inputValue()).toBe(String(third.id));
    await p.keyboard.press('Alt+2');
    await expect.poll(() => p.locator('#dp-lead').inputValue()).toBe(String(second.id));

    await p.locator('#dp-submit').focus();
    await p.keyboard.press('Enter');
    await expect
      .poll(async () => (await s.app.deps.db.select().from(assistSuggestions).where(eq(assistSuggestions.id, suggestion.id)))[0]!.chosenUnitId)
      .toBe(second.id);
    const [ticket] = await s.app.deps.db.select().from(tickets).where(eq(tickets.id, created.id));
    expect(ticket!.status).toBe('awaiting_sign');
  }, 120_000);
});
