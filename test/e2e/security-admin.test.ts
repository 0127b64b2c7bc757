/**
 * 安全管理 in a real browser: the demo security administrator (`secadmin`, with its second factor) lands on
 * /security, which offers nothing of the tickets; it resets a dispatcher's password and sees the temporary
 * password once, which then signs the dispatcher in; its own session is listed and marked, key status shows the
 * key ids only.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, browserSuite, expectAccessible, expectAllLabelled, screenshot, signIn } from './harness.ts';

const suite = browserSuite();

const login = (base: string, username: string, password: string) =>
  fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

describe('安全管理 screen', () => {
  it('the security administrator resets a password and sees the temporary password once', async () => {
    const { page } = suite.keep(await signIn(suite.browser, suite.app, 'secadmin', '/security'));
    await expect(page.locator('.screen-title').innerText()).resolves.toBe('安全管理');
    // Its navigation offers no ticket screen, no notification centre.
    await expect(page.locator('nav a[href="/tickets"]').count()).resolves.toBe(0);
    await expect(page.locator('button.bell').count()).resolves.toBe(0);

    const row = page.locator('tr[data-user="dispatcher1"]');
    await row.waitFor();
    await row.getByRole('button', { name: '重置密码' }).click();
    const shown = page.locator('[data-temporary-password]');
    await shown.waitFor();
    await expect(shown.innerText()).resolves.toContain('dispatcher1');
    const temporary = (await shown.locator('.temporary-password').innerText()).trim();
    expect(temporary.length).toBeGreaterThanOrEqual(10);
    // The old password is gone; the temporary one signs in.
    expect((await login(suite.app.api.base, 'dispatcher1', DEMO_PASSWORD)).status).toBe(401);
    expect((await login(suite.app.api.base, 'dispatcher1', temporary)).status).toBe(200);

    // The second-factor policy: the three administrators and supervisors are ticked and cannot be unticked.
    const box = (role: string) => page.locator(`#sec-policy input[name="requiredRoles"][value="${role}"]`);
    for (const role of ['supervisor', 'admin', 'security_admin', 'audit_admin']) {
      await expect(box(role).isChecked()).resolves.toBe(true);
      await expect(box(role).isDisabled()).resolves.toBe(true);
    }
    await expect(box('operator').isDisabled()).resolves.toBe(false);

    // Its own session is listed and marked; the key panel shows ids, not keys.
    await page.locator('#sec-sessions').getByText('当前会话').waitFor();
    await page.locator('[data-active-key]').waitFor();
    await expectAccessible(page, 'security');
    await expectAllLabelled(page, 'security');
    await screenshot(page, 'security-admin');
    // Shown once: hidden, it is not shown again after a reload.
    await shown.getByRole('button').click();
    await page.reload();
    await page.locator('tr[data-user="dispatcher1"]').waitFor();
    await expect(page.locator('[data-temporary-password]').count()).resolves.toBe(0);
  });
});
