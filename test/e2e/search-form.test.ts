/**
 * 工单查询's form and what hangs off it, in Chromium: the unit (含下级) and category pickers narrow the list and
 * keep their choice in the address; the one-click views 我的超期 / 待我审核 open the right tickets and stay in the
 * navigation with their counts; the review note and the 不予受理 reason survive a reload and go when decided; the
 * wallboard's 已超时 counter is GET /api/sla/overdue's total, not a count of the tickets the board loaded.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sweep } from '../../src/domain/sla/sweep.ts';
import type { TestDeps } from '../setup/db.ts';
import { apiSession, browserSuite, expectAccessible, ok, runningClock, type Session, signIn, ticketAtDonghua } from './harness.ts';

const s = browserSuite('2026-03-10T01:30:00Z'); // a Tuesday morning in Shanghai
const LATER = '2026-03-30T02:00:00Z'; // three weeks on: every completion deadline of these tickets has passed

type Ref = { id: number; code: string; name: string };
const refs = async (session: Session, path: string) => (await ok(session, 'GET', path)).items as Ref[];

/** A consultation without an address (so no street rule can place it) dispatched by hand to the unit with this code. */
async function dispatchedTo(unitCode: string, category: string, content: string) {
  const base = s.app.api.base;
  const [operator, dispatcher] = [await apiSession(base, 'operator1'), await apiSession(base, 'dispatcher1')];
  const categoryId = (await refs(operator, '/api/categories')).find((c) => c.name === category)!.id;
  const v = await ok(operator, 'POST', '/api/tickets', { type: 'consult', categoryId, content, caller: { name: '周先生', phone: '13911115555' } });
  expect(v.status).toBe('awaiting_dispatch');
  const unitId = (await refs(dispatcher, '/api/units')).find((u) => u.code === unitCode)!.id;
  return ok(dispatcher, 'POST', `/api/tickets/${v.id}/dispatch`, { version: v.version, leadUnitId: unitId });
}

/** The numbers the list shows now. */
const rowsNow = async (p: Page) => (await p.locator('tr[data-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')))).sort();
/** Waits until the list shows exactly these numbers. */
const shows = (p: Page, numbers: string[]) => expect.poll(() => rowsNow(p), { timeout: 15_000 }).toEqual([...numbers].sort());
/** What the API lists for the page's address, as `session` (the screen must show exactly that). */
async function listed(session: Session, p: Page) {
  const q = new URLSearchParams(new URL(p.url()).search);
  q.set('limit', '200');
  return ((await ok(session, 'GET', `/api/tickets?${q}`)).items as { number: string }[]).map((i) => i.number).sort();
}
const address = (p: Page) => new URL(p.url()).searchParams;

async function pick(p: Page, id: string, text: string, option: string | RegExp) {
  await p.locator(`#${id}`).fill(text);
  await p.locator(`#${id}-list [role=option]`, { hasText: option }).first().click();
}

describe('工单查询: pickers', () => {
  it('a unit (with or without the units beneath it) and a category narrow the list, and the address holds them', async () => {
    const { v: a, sessions } = await ticketAtDonghua(s.app.api.base, '幸福里垃圾桶满溢三天无人清运');
    const b = await dispatchedTo('s-chaoyangmen', '物业服务质量', '小区物业长期不打扫楼道，垃圾堆积');
    const c = await dispatchedTo('s-chaoyangmen', '垃圾清运', '朝阳门内大街垃圾桶满溢');
    const units = await refs(sessions.dispatcher, '/api/units');
    const idOf = (code: string) => String(units.find((u) => u.code === code)!.id);

    const d = s.keep(await signIn(s.browser, s.app, 'dispatcher1', '/dispatch'));
    const p = d.page;
    await p.goto('/tickets');
    await p.locator('#ts-unit').waitFor();
    await expect.poll(() => rowsNow(p), { timeout: 15_000 }).toEqual(expect.arrayContaining([a.number, b.number, c.number].sort()));

    await pick(p, 'ts-unit', '朝阳门街道', '朝阳门街道（');
    await p.getByRole('button', { name: '查询', exact: true }).click();
    await p.waitForURL(/unitId=/);
    expect(address(p).get('unitId')).toBe(idOf('s-chaoyangmen'));
    await shows(p, [b.number, c.number]);
    expect(await rowsNow(p)).toEqual(await listed(sessions.dispatcher, p));
    expect(await p.locator('#ts-unit').inputValue()).toContain('朝阳门街道'); // the form shows what the address holds

    // A category is chosen at any level and takes its descendants: 住房 holds 物业服务质量
    await pick(p, 'ts-category', '住房', /^\s*住房\s*$/);
    await p.getByRole('button', { name: '查询', exact: true }).click();
    await p.waitForURL(/categoryId=/);
    expect(address(p).get('unitId')).toBe(idOf('s-chaoyangmen'));
    await shows(p, [b.number]);
    await expectAccessible(p, 'ticket search with pickers');

    // 东城区 without the units beneath it: no ticket is at the district itself; with them, all three are
    await p.goto('/tickets');
    await pick(p, 'ts-unit', '东城区', /^\s*东城区（/);
    await p.locator('#ts-subtree').uncheck();
    await p.getByRole('button', { name: '查询', exact: true }).click();
    await p.waitForURL(/subtree=false/);
    await shows(p, []);
    await p.getByText('没有符合条件的工单').waitFor();
    await p.locator('#ts-subtree').check();
    await p.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => address(p).get('subtree'), { timeout: 15_000 }).toBeNull();
    await shows(p, [a.number, b.number, c.number]);
    expect(address(p).get('unitId')).toBe(idOf('d-dongcheng'));
  }, 120_000);
});

describe('drafts of the review note and the 不予受理 reason (a unit’s sub-review: below, with 待我审核)', () => {
  it('survive a reload and are cleared when the request is decided or the ticket declined', async () => {
    const { v, sessions } = await ticketAtDonghua(s.app.api.base, '幸福里小区门口路面塌陷需要修补', { sign: true });
    const lead = v.assignments.at(-1);
    await ok(sessions.unit, 'POST', `/api/assignments/${lead.id}/return`, { version: lead.version, reason: '路面归市政部门管理，不属本街道' });
    const request = (await ok(sessions.dispatcher, 'GET', `/api/tickets/${v.id}`)).pendingRequests[0] as { id: number };

    const d = s.keep(await signIn(s.browser, s.app, 'dispatcher1', '/dispatch'));
    const p = d.page;
    const openReturn = async () => {
      await p.locator('#tab-return').click();
      await p.locator('.queue button', { hasText: v.number }).click();
      await p.locator('#rv-note').waitFor();
    };
    await openReturn();
    const saved = p.waitForResponse((r) => r.url().endsWith(`/api/drafts/request:${request.id}`) && r.request().method() === 'PUT');
    await p.locator('#rv-note').fill('同意退回，改派市政部门');
    expect((await saved).status()).toBe(200);
    await p.reload();
    await p.locator('.screen-title').waitFor();
    await openReturn();
    await expect.poll(() => p.locator('#rv-note').inputValue(), { timeout: 15_000 }).toBe('同意退回，改派市政部门');
    await expectAccessible(p, 'dispatch desk, return review with a restored note');
    await p.locator('#rv-note').press('Enter'); // 同意
    await expect.poll(async () => (await ok(sessions.dispatcher, 'GET', `/api/tickets/${v.id}`)).status, { timeout: 15_000 }).toBe('awaiting_dispatch');
    await expect.poll(async () => (await sessions.dispatcher('GET', `/api/drafts/request:${request.id}`)).body.body, { timeout: 15_000 }).toBeNull();
    expect(await p.evaluate(`Object.keys(localStorage).filter((k) => k.endsWith(':request:${request.id}'))`)).toEqual([]);

    // The ticket is back at 待派单: the 不予受理 reason is kept the same way, as this ticket's dispatch draft
    await p.locator('#tab-dispatch').click();
    await p.locator('.queue button', { hasText: v.number }).click();
    const kept = p.waitForResponse((r) => r.url().endsWith(`/api/drafts/dispatch:${v.id}`) && r.request().method() === 'PUT');
    await p.locator('#dp-decline').fill('已由市政热线另行受理');
    expect((await kept).status()).toBe(200);
    await p.reload();
    await p.locator('.screen-title').waitFor();
    await p.locator('.queue button', { hasText: v.number }).click();
    await expect.poll(() => p.locator('#dp-decline').inputValue(), { timeout: 15_000 }).toBe('已由市政热线另行受理');
    await p.locator('#dp-decline').press('Enter'); // 不予受理
    await expect.poll(async () => (await ok(sessions.dispatcher, 'GET', `/api/tickets/${v.id}`)).status, { timeout: 15_000 }).toBe('closed');
    await expect.poll(async () => (await sessions.dispatcher('GET', `/api/drafts/dispatch:${v.id}`)).body.body, { timeout: 15_000 }).toBeNull();
  }, 120_000);
});

/** A view in the navigation: its name and count, e.g. "待我审核（2）". */
const navView = (p: Page, name: string) => p.getByRole('navigation').getByRole('link', { name: new RegExp(`^${name}（\\d+）$`) });
const countOf = async (p: Page, name: string) => Number((await navView(p, name).textContent())!.match(/（(\d+)）/)![1]);

/** Clicks a suggested view and checks the list is the API's for it, the view is saved once and counted in the navigation. */
async function oneClick(p: Page, session: Session, key: string, name: string, filter: string) {
  await p.locator(`[data-suggest="${key}"]`).click();
  await p.waitForURL(new RegExp(`${filter}=true`));
  const expected = await listed(session, p);
  await shows(p, expected);
  await navView(p, name).waitFor();
  await expect.poll(() => countOf(p, name), { timeout: 15_000 }).toBe(expected.length);
  expect(await p.locator(`[data-suggest="${key}"]`).getAttribute('aria-pressed')).toBe('true');
  // a second click opens it again without saving a second view
  await p.locator(`[data-suggest="${key}"]`).click();
  await shows(p, expected);
  const views = (await ok(session, 'GET', '/api/views')).items as { name: string; filters: Record<string, string> }[];
  expect(views.filter((v) => v.name === name)).toEqual([expect.objectContaining({ filters: { [filter]: 'true' } })]);
  return expected;
}

describe('one-click views 我的超期 and 待我审核', () => {
  it('the dispatcher: 待我审核 lists replies and returns waiting for the centre, in the navigation with its count', async () => {
    const base = s.app.api.base;
    const replied = await ticketAtDonghua(base, '和平路井盖缺失存在安全隐患', { sign: true });
    let lead = replied.v.assignments.at(-1);
    await ok(replied.sessions.unit, 'POST', `/api/assignments/${lead.id}/reply`, { version: lead.version, content: '已补装井盖并设置警示标志。' });
    const returned = await ticketAtDonghua(base, '和平路人行道地砖松动', { sign: true });
    lead = returned.v.assignments.at(-1);
    await ok(returned.sessions.unit, 'POST', `/api/assignments/${lead.id}/return`, { version: lead.version, reason: '人行道归区市政部门养护' });

    const d = s.keep(await signIn(s.browser, s.app, 'dispatcher1', '/dispatch'));
    await d.page.goto('/tickets');
    await d.page.locator('[data-suggest]').first().waitFor();
    expect(await d.page.locator('[data-suggest]').evaluateAll((b) => b.map((x) => x.getAttribute('data-suggest')))).toEqual(['overdue', 'review']);
    const review = await oneClick(d.page, replied.sessions.dispatcher, 'review', '待我审核', 'awaitingReview');
    expect(review).toEqual(expect.arrayContaining([replied.v.number, returned.v.number]));
    expect(review).toHaveLength(2);
    await expectAccessible(d.page, 'ticket search, 待我审核');
  }, 120_000);

  it("a street: 待我审核 is its community's reply (the reason to send it back kept as a draft); 我的超期 its overdue tickets later", async () => {
    const base = s.app.api.base;
    const { v, sessions } = await ticketAtDonghua(base, '幸福里7号楼外墙脱落', { sign: true });
    const community = (await refs(sessions.dispatcher, '/api/units')).find((u) => u.code === 'cm-donghua-xiangyang')!;
    const lead = v.assignments.at(-1);
    let w = await ok(sessions.unit, 'POST', `/api/assignments/${lead.id}/hand-down`, {
      version: lead.version,
      leadUnitId: community.id,
      note: '请社区上门核实',
    });
    const sub = () => w.assignments.findLast((a: { unit: { id: number } }) => a.unit.id === community.id);
    const cm = await apiSession(base, 'handler.cm-donghua-xiangyang');
    w = await ok(cm, 'POST', `/api/assignments/${sub().id}/sign`, { version: sub().version });
    await ok(cm, 'POST', `/api/assignments/${sub().id}/reply`, { version: sub().version, content: '社区已上门核实，已报物业修复。' });

    const u = s.keep(await signIn(s.browser, s.app, 'handler.s-donghua', '/unit'));
    await u.page.goto('/tickets');
    expect(await u.page.getByLabel('来电号码').count()).toBe(0); // a unit may not search by the caller
    expect(await oneClick(u.page, sessions.unit, 'review', '待我审核', 'awaitingReview')).toEqual([v.number]);

    // On the desk, the reason to send the community's reply back is a draft of that sub-assignment until decided
    const sp = u.page;
    const row = sp.locator(`#chain-decisions button[data-ticket="${v.number}"]`);
    const openCard = async () => {
      await sp.goto('/unit');
      await row.click();
      await sp.locator(`#sd-reason-${sub().id}`).waitFor();
    };
    await openCard();
    const kept = sp.waitForResponse((r) => r.url().endsWith(`/api/drafts/sub:${sub().id}`) && r.request().method() === 'PUT');
    await sp.locator(`#sd-reason-${sub().id}`).fill('未附现场照片，请补充');
    expect((await kept).status()).toBe(200);
    await sp.reload();
    await sp.locator('.screen-title').waitFor();
    await openCard();
    await expect.poll(() => sp.locator(`#sd-reason-${sub().id}`).inputValue(), { timeout: 15_000 }).toBe('未附现场照片，请补充');
    await expectAccessible(sp, 'unit desk, sub-review with a restored reason');
    await sp.locator(`.subs [data-sub="${community.name}"]`).getByRole('button', { name: '退回重办' }).click();
    await row.waitFor({ state: 'detached' });
    await expect.poll(async () => (await sessions.unit('GET', `/api/drafts/sub:${sub().id}`)).body.body, { timeout: 15_000 }).toBeNull();

    // Three weeks on, the street's tickets are past their deadlines
    const deps = s.app.deps as TestDeps;
    deps.clock = runningClock(LATER) as TestDeps['clock'];
    const later = s.keep(await signIn(s.browser, s.app, 'handler.s-donghua', '/unit'));
    await later.page.goto('/tickets');
    const overdue = await oneClick(later.page, await apiSession(base, 'handler.s-donghua'), 'overdue', '我的超期', 'overdue');
    expect(overdue).toEqual(expect.arrayContaining([v.number]));
    await expectAccessible(later.page, 'ticket search, 我的超期 (unit)');
  }, 120_000);
});

describe('the wallboard', () => {
  it("已超时 is the overdue API's total, even when the tickets the board loaded hold none of them", async () => {
    const deps = s.app.deps as TestDeps;
    await sweep(deps, deps.clock.now()); // the SLA engine marks the overdue tickets
    const sup = s.keep(await signIn(s.browser, s.app, 'supervisor1', '/wallboard'));
    const total = (await ok(await apiSession(s.app.api.base, 'supervisor1'), 'GET', '/api/sla/overdue?limit=1')).total as number;
    expect(total).toBeGreaterThan(0);
    // The list sample the other counters come from answers empty: a count of it would say 0.
    await sup.page.route(
      (url) => url.pathname === '/api/tickets',
      (route) => route.fulfill({ json: { items: [], nextCursor: null, nextBefore: null } }),
    );
    await sup.page.reload();
    await sup.page.locator('[data-metric="today"]').waitFor();
    await expect.poll(() => sup.page.locator('[data-metric="overdue"] .value').textContent(), { timeout: 15_000 }).toBe(String(total));
    expect(await sup.page.locator('[data-metric="open"] .value').textContent()).toBe('0');
    await expectAccessible(sup.page, 'wallboard');
  }, 120_000);
});
