import { describe, expect, it } from 'vitest';
import { apiSession, browserSuite, expectAccessible, expectAllLabelled, screenshot, signIn } from './harness.ts';

const suite = browserSuite();

describe('未诉先办 in the browser', () => {
  it('a spike on the wallboard becomes a governance topic with its tickets, tracked to in progress', async () => {
    // Six tickets this week in one street and leaf category, none before: 6 ≥ 5 and above 0 + 3·1 → a spike.
    const [street] = await suite.app.database.query<{ id: number; name: string }>(`select id, name from units where kind = 'street' order by id desc limit 1`);
    const [leaf] = await suite.app.database.query<{ id: number; name: string }>(
      `select c.id, c.name from categories c where c.level = 3 and not exists (select 1 from categories k where k.parent_id = c.id) order by c.id desc limit 1`,
    );
    const operator = await apiSession(suite.app.api.base, 'operator1');
    for (let i = 0; i < 6; i++) {
      const r = await operator('POST', '/api/tickets', {
        type: 'complaint',
        categoryId: leaf!.id,
        streetUnitId: street!.id,
        content: `小区旁工地夜间施工噪音扰民，第${i + 1}户反映，请尽快处理`,
        address: `热点测试路${i + 1}号`,
        caller: { phone: `1350000100${i}` },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }

    const sup = suite.keep(await signIn(suite.browser, suite.app, 'supervisor1', '/wallboard'));
    const { page } = sup;
    const panel = page.getByTestId('hotspots');
    const spike = panel.getByTestId('spikes').locator('li', { hasText: street!.name });
    await spike.waitFor();
    await expect.poll(() => spike.innerText()).toContain('本周 6 件');
    await screenshot(page, 'hotspots-wallboard');
    await expectAccessible(page, 'wallboard with hotspots');
    await spike.locator('[data-open-topic]').click();

    await page.waitForURL('**/governance?new=1');
    await expect.poll(() => page.getByTestId('draft-note').innerText()).toContain('6 件工单');
    expect(await page.getByLabel('专题名称').inputValue()).toContain(street!.name);
    await expectAllLabelled(page, 'governance (new)');
    await page.getByRole('button', { name: '立题', exact: true }).click();

    await page.waitForURL(/\/governance\?topic=\d+/);
    const tickets = page.getByTestId('topic-tickets').locator('li');
    await expect.poll(() => tickets.count()).toBe(6);
    await expect.poll(() => page.getByTestId('topic-status').innerText()).toBe('待处理');
    await page.locator('[data-action="start"]').click();
    await expect.poll(() => page.getByTestId('topic-status').innerText()).toBe('治理中');
    await page.getByLabel('进展记录（状态变更时一并记录）').fill('已约谈施工单位，夜间停工');
    await page.getByRole('button', { name: '添加进展' }).click();
    await expect.poll(() => page.getByTestId('topic-events').innerText()).toContain('已约谈施工单位，夜间停工');
    await tickets.first().getByRole('button', { name: /移出/ }).click();
    await expect.poll(() => tickets.count()).toBe(5);
    await expectAccessible(page, 'governance');
    await screenshot(page, 'governance-topic');
    const topicId = Number(new URL(page.url()).searchParams.get('topic'));

    // Back on the wallboard the spike names its topic instead of offering a new one.
    await page.goto('/wallboard');
    const again = page.getByTestId('spikes').locator('li', { hasText: street!.name });
    await expect.poll(() => again.innerText()).toContain(`专题 #${topicId}`);
    expect(await again.locator('[data-open-topic]').count()).toBe(0);
  }, 120_000);
});
