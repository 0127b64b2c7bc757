/**
 * In the browser: when the user signs out everywhere from another device, the open tab's live
 * connection is cut by the server and the tab goes to the sign-in screen by itself — no click, no request of
 * its own needed. (The socket side, on one and on several instances: test/realtime/session-end*.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { apiSession, browserSuite, signIn } from './harness.ts';

const suite = browserSuite();

describe('signed out everywhere from elsewhere', () => {
  it('the open tab loses its live connection and shows the sign-in screen within seconds', async () => {
    const { app, browser, keep } = suite;
    const unit = keep(await signIn(browser, app, 'handler.s-donghua', '/unit'));
    const elsewhere = await apiSession(app.api.base, 'handler.s-donghua');
    expect((await elsewhere('POST', '/api/auth/logout', { everywhere: true })).status).toBe(204);
    await unit.page.getByLabel('用户名').waitFor({ timeout: 5000 });
    expect(await unit.page.locator('[data-live="online"]').count()).toBe(0);
  }, 60_000);
});
