import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import type { TestDeps } from '../setup/db.ts';
import { apiSession, browserSuite, expectAccessible, expectAllLabelled, runningClock, screenshot, signIn, type UserPage } from './harness.ts';

const suite = browserSuite();

const PHONE = '13955556666';
const COMMUNITY_REPLY = '社区已联系周女士并上门核实，已协调环卫当日清运，门口垃圾桶已清空。';
const STREET_ADDS = '街道已复核现场，确认清运完毕，并要求物业每日巡查。';
const DISTRICT_ADDS = '区城管已督促落实长效清运机制。';

type ChainList = 'chain-hand-down' | 'chain-subs' | 'chain-decisions';
/** The ticket's row in one of a unit desk's chain lists (待下派, 下级办理, 待我审核). */
const chainRow = (page: Page, list: ChainList, number: string) => page.locator(`#${list} button[data-ticket="${number}"]`);
/** The ticket's row in the unit's own queue (本单位待办). */
const queueRow = (page: Page, number: string) => page.locator(`.queue button[data-ticket="${number}"]`);
/** On the detail of a ticket this level handed down: the card of the unit it went to. */
const subCard = (page: Page, unit: string) => page.locator(`.subs [data-sub="${unit}"]`);

/** Opens the ticket, signs it, and checks the note the level above wrote when it handed it down. */
async function signFromParent(u: UserPage, number: string, note: string) {
  const p = u.page;
  await queueRow(p, number).waitFor(); // arrived without a reload
  await queueRow(p, number).click();
  await p.locator('[data-parent-note]').getByText(note).waitFor();
  const sign = p.getByRole('button', { name: '签收', exact: true });
  await sign.click();
  await sign.waitFor({ state: 'detached' });
}

/** Hands the open ticket down to `unit` (picked in the combobox of units beneath) with a note, and a completion deadline (datetime-local, Shanghai). */
async function handDown(p: Page, unit: string, note: string, due?: string) {
  await p.locator('#hd-lead').fill(unit);
  await p.getByRole('option', { name: new RegExp(unit) }).click();
  await p.locator('#hd-note').fill(note);
  if (due) await p.locator('#hd-due').fill(due);
  await p.getByRole('button', { name: '下派', exact: true }).click();
  await subCard(p, unit).getByText('待签收').waitFor();
}

/** Approves the sub-unit's reply from the 待我审核 list; the reply form then holds it as this level's draft. */
async function approveSubReply(p: Page, number: string, unit: string, reply: string) {
  await chainRow(p, 'chain-decisions', number).getByText('下级已答复，待审核').waitFor();
  await chainRow(p, 'chain-decisions', number).click();
  const card = subCard(p, unit);
  await card.getByText(reply).waitFor();
  await card.getByRole('button', { name: '审核通过' }).click();
  await card.getByText('已审核办结').waitFor();
  await chainRow(p, 'chain-decisions', number).waitFor({ state: 'detached' });
  await expect.poll(() => p.getByLabel(/答复内容/).inputValue()).toBe(reply);
}

async function replyUpward(p: Page, number: string, content: string) {
  await p.getByLabel(/答复内容/).fill(content);
  await p.getByRole('button', { name: '提交答复' }).click();
  await queueRow(p, number).getByText('已答复').waitFor();
}

describe('the chain of levels in the browser (one context per level)', () => {
  it('city → district → street → community; replies reviewed up the chain; the centre approves; callback closes', async () => {
    const { browser, app } = suite;
    // The journey spans two working days (see the hand-down below): sign-ins made now must outlast the jump,
    // and the jump must not count as the desks sitting idle (the idle timeout would end their sessions).
    const deps = app.deps as TestDeps;
    deps.config.SESSION_TTL_HOURS = 72;
    deps.config.SESSION_IDLE_MINUTES = 72 * 60;
    // Every desk is open before the call; none is reloaded along the way.
    const district = suite.keep(await signIn(browser, app, 'handler.d-dongcheng', '/unit'));
    const street = suite.keep(await signIn(browser, app, 'handler.s-donghua', '/unit'));
    const community = suite.keep(await signIn(browser, app, 'handler.cm-donghua-xiangyang', '/unit'));
    const desk = suite.keep(await signIn(browser, app, 'dispatcher1', '/dispatch'));
    const intake = suite.keep(await signIn(browser, app, 'operator1', '/intake'));
    for (const u of [district, street, community]) await u.page.evaluate('window.__notReloaded = true');
    const dp = district.page;
    const sp = street.page;
    const cp = community.page;

    // ── The operator takes the call. ──
    const ip = intake.page;
    await ip.locator('#in-phone').fill(PHONE);
    await ip.locator('#in-name').fill('周女士');
    await ip.locator('#in-type').selectOption('complaint');
    await ip.locator('#in-category').fill('垃圾清运');
    await ip.getByRole('option', { name: /垃圾清运/ }).click();
    await ip.locator('#in-content').fill('向阳小区门口的垃圾桶连续多日满溢无人清运，影响居民出行');
    await ip.locator('#in-address').fill('东城区东华街道向阳小区2号');
    await ip.locator('#in-address').press('Enter');
    const number = (await ip.getByTestId('receipt-number').innerText()).trim();
    expect(number).toMatch(/^\d{8}-\d{6}$/);

    // ── The dispatcher dispatches it to the district. ──
    const item = desk.page.locator('.queue button', { hasText: number });
    await item.click();
    await desk.page.locator('.suggestions').waitFor();
    await desk.page.locator('#dp-lead').selectOption({ label: '东城区' });
    while ((await desk.page.locator('#dp-assist-field .chip-remove').count()) > 0) await desk.page.locator('#dp-assist-field .chip-remove').first().click();
    await desk.page.locator('#dp-note').fill('请东城区组织核实处置');
    await desk.page.locator('#dp-submit').click();
    await item.waitFor({ state: 'detached' });

    // ── The district signs and hands it down to a street. ──
    await queueRow(dp, number).waitFor();
    await queueRow(dp, number).click();
    const sign = dp.getByRole('button', { name: '签收', exact: true });
    await sign.click();
    await sign.waitFor({ state: 'detached' });
    await chainRow(dp, 'chain-hand-down', number).waitFor();
    // A working day later (the district has not contacted the caller yet): the street's own response and
    // completion clocks, started now, would end a day after the district's, so they end with them.
    deps.clock = runningClock(new Date(deps.clock.now().getTime() + 86_400_000).toISOString()) as TestDeps['clock'];
    await screenshot(dp, '14-chain-district-hand-down');
    await expectAllLabelled(dp, 'district desk: hand-down form');
    await handDown(dp, '东华街道', '请东华街道牵头，三日内清运完毕');
    // The sub-assignment's deadlines are shown; those that would outlive the district's end with them.
    await subCard(dp, '东华街道').locator('[data-step="complete"]').waitFor();
    await subCard(dp, '东华街道')
      .getByText(/下级时限不得晚于上级，已按上级时限截止：响应时限、办结时限/)
      .waitFor();
    await chainRow(dp, 'chain-hand-down', number).waitFor({ state: 'detached' });
    await chainRow(dp, 'chain-subs', number).getByText('待签收').waitFor();

    // ── The street sees it arrive, reads the district's note, signs: the district's list follows live. ──
    await signFromParent(street, number, '请东华街道牵头，三日内清运完毕');
    await sp.locator('[data-parent-note] [data-clamped]').waitFor();
    await chainRow(dp, 'chain-subs', number).getByText('办理中').waitFor();
    await chainRow(dp, 'chain-subs', number)
      .locator('[data-step="sign"]')
      .getByText(/已签收/)
      .waitFor();
    expect(await dp.evaluate('window.__notReloaded')).toBe(true);

    // ── The street hands it down to a community. ──
    // With a completion deadline of its own choosing (下派办结时限): two hours from now, in Shanghai time.
    const due = new Date(deps.clock.now().getTime() + 2 * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16);
    await handDown(sp, '向阳社区', '请向阳社区联系周女士并上门核实', due);
    const [set] = rowsOf<{ due: string }>(
      await deps.db.execute(sql`select complete_due_at::text as due from assignments a join units u on u.id = a.unit_id where u.name = '向阳社区'`),
    );
    expect(new Date(set!.due).toISOString().slice(0, 16)).toBe(new Date(new Date(`${due}:00+08:00`).getTime()).toISOString().slice(0, 16));
    // Until the community's reply is approved, the street cannot reply upward.
    await sp.getByText(/下级尚在办理/).waitFor();
    expect(await sp.getByRole('button', { name: '提交答复' }).count()).toBe(0);

    // ── The community signs, contacts the caller and replies. ──
    await signFromParent(community, number, '请向阳社区联系周女士并上门核实');
    await cp.getByLabel('联系情况').fill('已电话联系周女士，约定今天上门核实');
    await cp.getByRole('button', { name: '记录联系' }).click();
    await cp.getByText(/首次联系：/).waitFor();
    await replyUpward(cp, number, COMMUNITY_REPLY);

    // ── The street's open desk shows the reply waiting for it, without a reload; it approves and replies upward. ──
    await chainRow(sp, 'chain-decisions', number).waitFor();
    expect(await sp.evaluate('window.__notReloaded')).toBe(true);
    await screenshot(sp, '15-chain-street-review');
    await expectAccessible(sp, 'street desk: sub-reply to review');
    await expectAllLabelled(sp, 'street desk: sub-reply to review');
    await approveSubReply(sp, number, '向阳社区', COMMUNITY_REPLY);
    await replyUpward(sp, number, `${COMMUNITY_REPLY}${STREET_ADDS}`);

    // ── The district approves the street's reply and replies to the centre. ──
    await chainRow(dp, 'chain-decisions', number).waitFor();
    await approveSubReply(dp, number, '东华街道', `${COMMUNITY_REPLY}${STREET_ADDS}`);
    await screenshot(dp, '16-chain-district-reply');
    await expectAccessible(dp, 'district desk: reply upward');
    await replyUpward(dp, number, `${COMMUNITY_REPLY}${STREET_ADDS}${DISTRICT_ADDS}`);
    expect(await dp.evaluate('window.__notReloaded')).toBe(true);

    // ── The centre approves the district's reply. ──
    await desk.page.getByRole('tab', { name: /答复审核/ }).click();
    const review = desk.page.locator('.queue button', { hasText: number });
    await review.click();
    await expect.poll(() => desk.page.locator('#rr-public').inputValue()).toContain(DISTRICT_ADDS);
    await desk.page.getByRole('button', { name: '审核通过' }).click();
    await review.waitFor({ state: 'detached' });

    // ── The callback agent records a satisfied caller; the ticket is closed. ──
    const cb = suite.keep(await signIn(browser, app, 'callback1', '/callback'));
    const cbItem = cb.page.locator(`.queue button[data-ticket="${number}"]`);
    await cbItem.click();
    await cb.page.getByRole('radio', { name: '已接通' }).waitFor();
    await cb.page.getByRole('radio', { name: '满意', exact: true }).check();
    await cb.page.getByLabel('回访备注').fill('周女士表示满意');
    await cb.page.keyboard.press('Enter');
    await cbItem.waitFor({ state: 'detached' });
    await ip.locator(`#mine-panel [data-ticket="${number}"]`).getByText('已办结').waitFor();
    // Nothing is left on any level's chain lists.
    for (const p of [dp, sp]) {
      for (const list of ['chain-hand-down', 'chain-subs', 'chain-decisions'] as const) await chainRow(p, list, number).waitFor({ state: 'detached' });
    }
  }, 300_000);

  it("a sub-unit's extension beyond the district's own deadline is refused with its reason; the district rejects it and recalls the street", async () => {
    const { browser, app } = suite;
    const session = (username: string) => apiSession(app.api.base, username);
    const [operator, dispatcher, districtApi, streetApi] = await Promise.all([
      session('operator1'),
      session('dispatcher1'),
      session('handler.d-dongcheng'),
      session('handler.s-donghua'),
    ]);
    const ok = async (s: typeof operator, method: string, path: string, body?: unknown) => {
      const r = await s(method, path, body);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body;
    };
    const district = suite.keep(await signIn(browser, app, 'handler.d-dongcheng', '/unit'));
    const dp = district.page;
    await dp.evaluate('window.__notReloaded = true');

    // Dispatched to the district, handed down to the street and signed there (through the API).
    const cats = (await ok(operator, 'GET', '/api/categories')).items as { id: number; name: string }[];
    const units = (await ok(dispatcher, 'GET', '/api/units')).items as { id: number; code: string }[];
    const unitId = (code: string) => units.find((u) => u.code === code)!.id;
    let v = await ok(operator, 'POST', '/api/tickets', {
      type: 'complaint',
      categoryId: cats.find((c) => c.name === '垃圾清运')!.id,
      content: '金桥社区楼下垃圾站异味严重，长期无人冲洗',
      address: '东城区东华街道金桥小区5号',
      caller: { name: '吴先生', phone: '13966667777' },
    });
    expect(v.status).toBe('awaiting_dispatch');
    v = await ok(dispatcher, 'POST', `/api/tickets/${v.id}/dispatch`, { version: v.version, leadUnitId: unitId('d-dongcheng') });
    const top = v.assignments.at(-1);
    v = await ok(districtApi, 'POST', `/api/assignments/${top.id}/sign`, { version: top.version });
    const held = v.assignments.find((a: { id: number }) => a.id === top.id);
    v = await ok(districtApi, 'POST', `/api/assignments/${top.id}/hand-down`, { version: held.version, leadUnitId: unitId('s-donghua'), assistUnitIds: [] });
    const sub = v.assignments.find((a: { parentId: number | null }) => a.parentId === top.id);
    v = await ok(streetApi, 'POST', `/api/assignments/${sub.id}/sign`, { version: sub.version });
    const signed = v.assignments.find((a: { id: number }) => a.id === sub.id);
    const number = v.number as string;

    // The street asks for more time than the district itself has: the district's open desk shows it.
    await ok(streetApi, 'POST', `/api/assignments/${sub.id}/extension`, {
      version: signed.version,
      reason: '需协调物业更换垃圾站设备，预计一个月',
      requestedDueAt: '2026-04-30T09:00:00Z',
    });
    const row = chainRow(dp, 'chain-decisions', number);
    await row.getByText('下级延期，待审核').waitFor();
    expect(await dp.evaluate('window.__notReloaded')).toBe(true);
    await row.click();
    const card = subCard(dp, '东华街道');
    await card.getByText(/需协调物业更换垃圾站设备/).waitFor();
    await card.getByText(/申请延期至 04\/30/).waitFor();
    await card.getByRole('button', { name: '同意延期', exact: true }).click();
    const refusal = card.locator('[data-refusal="beyond_parent_deadline"]');
    await refusal.getByText('申请的期限晚于本级自己的办结时限，本级无权批准。').waitFor();
    await refusal.getByText(/请先.*向上级申请本级延期/).waitFor();
    await screenshot(dp, '17-chain-extension-beyond-parent');
    await expectAccessible(dp, 'district desk: extension beyond its deadline');
    await expectAllLabelled(dp, 'district desk: extension beyond its deadline');

    // The district says no, then takes the sub-assignment back: its lists empty and it may hand down again.
    await card.getByLabel('审核意见').fill('超出本级时限，请先按期推进');
    await card.getByRole('button', { name: '不同意延期' }).click();
    await row.waitFor({ state: 'detached' });
    await card.getByLabel('收回原因').fill('改由区城管局直接处置');
    await card.getByRole('button', { name: '收回', exact: true }).click();
    await card.waitFor({ state: 'detached' });
    await chainRow(dp, 'chain-subs', number).waitFor({ state: 'detached' });
    await chainRow(dp, 'chain-hand-down', number).waitFor();
    await dp.getByRole('heading', { name: '下派至下级单位' }).waitFor();
  }, 180_000);
});
