/**
 * In the browser, signing in with a second factor: the demo supervisor signs in through the form's two steps with
 * the code the page shows in demo mode (the demo accounts listed and marked 演示账号); a new supervisor created by
 * the administrator is held on 账号安全 until the password is changed and an authenticator is bound (QR code,
 * recovery codes), then signs in again with a code.
 */
import { describe, expect, it } from 'vitest';
import { stepAt, totpCode } from '../../src/domain/auth/second-factor.ts';
import { apiSession, browserSuite, DEMO_PASSWORD, expectAccessible, newUserPage, ok } from './harness.ts';

const suite = browserSuite();

describe('signing in with a second factor', () => {
  it('the demo supervisor: demo accounts on the sign-in page, then the demo code on the second step', async () => {
    const { app, browser, keep } = suite;
    const u = keep(await newUserPage(browser, app));
    await u.page.goto('/');
    const demo = u.page.getByRole('region', { name: '演示账号' });
    await demo.waitFor();
    expect(await demo.getByRole('button', { name: /演示账号 supervisor1/ }).count()).toBe(1);
    await expectAccessible(u.page, 'sign-in');
    await demo.getByRole('button', { name: /演示账号 supervisor1/ }).click();
    expect(await u.page.getByLabel('密码').inputValue()).toBe(DEMO_PASSWORD);
    await u.page.getByRole('button', { name: '登录', exact: true }).click();

    const code = u.page.getByLabel('动态验证码或恢复码');
    await code.waitFor();
    const hint = u.page.locator('[data-demo-code]');
    expect(await hint.textContent()).toContain('演示模式');
    await expectAccessible(u.page, 'sign-in second step');
    // A wrong code first: refused, the form stays.
    await code.fill('000000');
    await u.page.getByRole('button', { name: '验证并登录' }).click();
    await u.page.getByRole('alert').filter({ hasText: '动态验证码不正确' }).waitFor();
    const wait = Number(await hint.getAttribute('data-valid-in'));
    if (wait > 0) await u.page.waitForTimeout(wait * 1000 + 200);
    await u.page.getByRole('button', { name: '填入演示验证码' }).click();
    await u.page.getByRole('button', { name: '验证并登录' }).click();
    await u.page.waitForURL('**/wallboard');
    await u.page.locator('.screen-title').waitFor();
  }, 90_000);

  it('a new supervisor changes the password, binds an authenticator (QR code, recovery codes), then signs in with a code', async () => {
    const { app, browser, keep } = suite;
    const admin = await apiSession(app.api.base, 'admin');
    const units = (await ok(admin, 'GET', '/api/units')).items as { id: number; code: string }[];
    const username = `sup-${Date.now().toString(36)}`;
    await ok(admin, 'POST', '/api/admin/users', {
      username,
      displayName: '新督办员',
      password: 'Initial#Pass12',
      role: 'supervisor',
      unitId: units.find((x) => x.code === 'centre')!.id,
    });

    const u = keep(await newUserPage(browser, app));
    await u.page.goto('/');
    await u.page.getByLabel('用户名').fill(username);
    await u.page.getByLabel('密码').fill('Initial#Pass12');
    await u.page.getByRole('button', { name: '登录', exact: true }).click();
    // Held on the account page: first the password.
    await u.page.waitForURL('**/account');
    await u.page.getByText('管理员为您设置或重置了密码').waitFor();
    await u.page.getByLabel('当前密码').fill('Initial#Pass12');
    await u.page.getByLabel('新密码', { exact: true }).fill('Chosen#ByMe123');
    await u.page.getByLabel('再次输入新密码').fill('Chosen#ByMe123');
    await u.page.getByRole('button', { name: '修改密码' }).click();
    // Then the second factor its role requires (the app starts again with the password done).
    await u.page.getByText('管理员为您设置或重置了密码').waitFor({ state: 'detached' });
    await u.page.getByText('您的角色要求双因素认证，请先绑定验证器').waitFor();
    await u.page.getByRole('button', { name: '绑定验证器' }).click();
    await u.page.getByRole('img', { name: '绑定验证器的二维码' }).waitFor();
    await expectAccessible(u.page, 'account: enrolment');
    const secret = (await u.page.locator('[data-secret]').getAttribute('data-secret'))!;
    const confirmedAt = stepAt(app.deps.clock.now());
    await u.page.getByLabel('6 位验证码').fill(totpCode(secret, confirmedAt));
    await u.page.getByRole('button', { name: '完成绑定' }).click();
    const codes = u.page.getByRole('list', { name: '恢复码' }).locator('code');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await u.page.getByRole('button', { name: '我已保存，继续' }).click();
    await u.page.waitForURL('**/wallboard');
    await u.page.locator('.screen-title').waitFor();

    // Signed out, in again: the password, then the next code of the authenticator.
    await u.page.getByRole('button', { name: '退出登录' }).click();
    await u.page.getByLabel('用户名').fill(username);
    await u.page.getByLabel('密码').fill('Chosen#ByMe123');
    await u.page.getByRole('button', { name: '登录', exact: true }).click();
    const code = u.page.getByLabel('动态验证码或恢复码');
    await code.waitFor();
    expect(await u.page.locator('[data-demo-code]').count()).toBe(0); // not a demo account: no hint
    await code.fill(totpCode(secret, confirmedAt + 1));
    await code.press('Enter');
    await u.page.waitForURL('**/wallboard');
    await u.page.locator('.screen-title').waitFor();
  }, 120_000);
});
