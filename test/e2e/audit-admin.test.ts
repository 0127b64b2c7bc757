/**
 * 审计管理 in a real browser: the demo audit administrator (`auditor`) lands on /audit, sees the retention in
 * force, verifies the chain (intact, then broken at the seq the table owner altered), queries the log by action
 * and downloads a period as CSV; the screen passes axe and labels every field.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, expectAccessible, expectAllLabelled, screenshot, signIn } from './harness.ts';

const suite = browserSuite();

describe('审计管理 screen', () => {
  it('the audit administrator verifies the chain, sees the first broken link, queries and exports the log', async () => {
    const { page } = suite.keep(await signIn(suite.browser, suite.app, 'auditor', '/audit'));
    await expect(page.locator('.screen-title').innerText()).resolves.toBe('审计管理');
    await expect(page.locator('nav a[href="/tickets"]').count()).resolves.toBe(0);
    // The retention panel loads its status after the screen shows: wait for it rather than read it at once.
    const retention = `${suite.app.deps.config.AUDIT_RETENTION_DAYS} 天（不少于 180 天）`;
    await page.locator('#aud-retention', { hasText: retention }).waitFor();
    await expect(page.locator('#aud-retention').innerText()).resolves.toContain(retention);

    await page.getByRole('button', { name: '校验审计链' }).click();
    await expect(page.locator('[data-audit-ok]').innerText()).resolves.toMatch(/审计链完整：已校验 \d+ 条/);

    // The table owner alters a sealed entry: the screen names its seq.
    const db = suite.app.database;
    const [victim] = await db.query<{ seq: string; action: string }>(
      `select seq::text as seq, action from audit_log where seq is not null order by audit_log.seq desc limit 1`,
    );
    await db.query('alter table audit_log disable trigger user');
    try {
      await db.query(`update audit_log set action = 'covered_up' where seq = $1`, [victim!.seq]);
      await page.getByRole('button', { name: '校验审计链' }).click();
      const broken = page.locator('[data-audit-broken]');
      await broken.waitFor();
      await expect(broken.getAttribute('data-audit-broken')).resolves.toBe(victim!.seq);
      await expect(broken.innerText()).resolves.toContain(`审计链在链序号 ${victim!.seq} 处断开：记录内容或校验值被改动`);
      await screenshot(page, 'audit-broken');
      await db.query(`update audit_log set action = $2 where seq = $1`, [victim!.seq, victim!.action]);
    } finally {
      await db.query('alter table audit_log enable trigger user');
    }
    await page.getByRole('button', { name: '校验审计链' }).click();
    await page.locator('[data-audit-ok]').waitFor();

    // The verifications themselves are in the log.
    await page.getByLabel('操作').fill('audit_verified');
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('table.audit-entries tbody tr').first().waitFor();
    const actions = await page.locator('table.audit-entries tbody tr td:nth-child(6)').allInnerTexts();
    expect(actions.length).toBeGreaterThanOrEqual(3);
    expect(new Set(actions)).toEqual(new Set(['audit_verified']));

    // The export link downloads the CSV with the session's cookie.
    const href = await page.locator('[data-audit-export]').getAttribute('href');
    const csv = await page.context().request.get(href!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect((await csv.text()).replace(/^\uFEFF/, '')).toMatch(/^链序号,编号,时间\(UTC\)/);

    await expectAccessible(page, 'audit');
    await expectAllLabelled(page, 'audit');
    await screenshot(page, 'audit-admin');
  });
});
