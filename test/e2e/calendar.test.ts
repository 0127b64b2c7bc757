/**
 * The working-day calendar screen in a real browser: with the table ending in 27 days an admin sees
 * the coverage warning, learns that the installed tables lack next year, imports it from a JSON file; a year the
 * installed tables have is previewed and imported in one action. A supervisor reads the screen but cannot import.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureWebBuilt, expectAccessible, expectAllLabelled, launchBrowser, screenshot, signIn, startApp, type App, type UserPage } from './harness.ts';

let app: App;
let browser: Browser;
const pages: UserPage[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  // 2026-12-04 10:00 in Shanghai: the demo calendar ends on 2026-12-31.
  [app, browser] = await Promise.all([startApp('2026-12-04T02:00:00Z'), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  for (const p of pages) await p.context.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

const DAYS_2027 = {
  year: 2027,
  source: '测试：2027 年节假日安排',
  days: [
    { day: '2027-01-01', kind: 'holiday', name: '元旦' },
    { day: '2027-01-02', kind: 'holiday', name: '元旦' },
    { day: '2027-01-03', kind: 'holiday', name: '元旦' },
  ],
};

describe('工作日历 screen', () => {
  it('an admin sees the coverage warning, imports next year from a file, and a library year after a preview', async () => {
    const admin = await signIn(browser, app, 'admin', '/wallboard');
    pages.push(admin);
    const { page } = admin;
    await page.getByRole('link', { name: '工作日历', exact: true }).click();
    await page.waitForURL('**/calendar');
    const warning = page.locator('[data-coverage-warning="true"]');
    await warning.waitFor();
    await expect(warning.innerText()).resolves.toContain('2026-12-31');
    await expect(warning.innerText()).resolves.toContain('2027');
    // The installed tables do not have 2027: the screen says so and offers the file import.
    await expect(page.locator('[data-library-missing="true"]').innerText()).resolves.toContain('2027');
    await expectAccessible(page, 'calendar');
    await expectAllLabelled(page, 'calendar');
    await screenshot(page, 'calendar');

    await page
      .getByLabel('从文件导入（JSON 或 iCalendar）')
      .setInputFiles({ name: '2027.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(DAYS_2027)) });
    await page.getByRole('status').filter({ hasText: '2027 年节假日安排已导入' }).first().waitFor();
    await page.locator('tr[data-day="2027-01-01"]').waitFor();
    // Coverage now runs to the end of 2027: no warning.
    await page.locator('[data-coverage-warning="false"]').waitFor();

    // 2024 is in the installed tables: preview, then import in one action.
    await page.getByLabel('年份', { exact: true }).first().waitFor();
    await page.locator('#cal-import-year').selectOption('2024');
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('2024 年安排预览').waitFor();
    await page.getByRole('button', { name: '确认导入 2024 年' }).click();
    await page.getByRole('status').filter({ hasText: '2024 年节假日安排已导入' }).first().waitFor();
    await page.locator('tr[data-day="2024-02-10"]').waitFor();
    const year2024 = await app.api.call('GET', '/api/calendar?year=2024', { token: await token() });
    expect(year2024.body.covered).toBe(true);
    expect(admin.errors).toEqual([]);
  });

  it('a supervisor reads the screen but is not offered the import', async () => {
    const sup = await signIn(browser, app, 'supervisor1', '/wallboard');
    pages.push(sup);
    await sup.page.getByRole('link', { name: '工作日历', exact: true }).click();
    await sup.page.waitForURL('**/calendar');
    await sup.page.locator('#cal-coverage').waitFor();
    await expect(sup.page.getByLabel('从文件导入（JSON 或 iCalendar）').count()).resolves.toBe(0);
    expect(sup.errors).toEqual([]);
  });
});

/** The demo API token of the integration client: any signed-in reader of the calendar will do. */
async function token(): Promise<string> {
  const { DEMO_API_TOKEN } = await import('../../src/seed/city.ts');
  return DEMO_API_TOKEN;
}
