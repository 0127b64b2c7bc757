/**
 * The optional language-model advice in the browser: hidden while no model is configured, and — against a local
 * fake OpenAI-compatible server — 智能摘要 on the ticket page and 答复核查 in the reply review, each labelled as
 * a machine's advice (仅供参考).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, startFakeLlm, type FakeLlm } from '../assist/llm-fake.ts';
import { browserSuite, expectAccessible, ok, screenshot, signIn, ticketAtDonghua } from './harness.ts';

const suite = browserSuite();
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake?.close();
});

/** Opens a page of the app and waits for its one GET /api/assist/status, so "hidden" is checked after the answer. */
async function openAfterStatus(page: import('playwright-core').Page, path: string) {
  const status = page.waitForResponse((r) => r.url().endsWith('/api/assist/status'));
  await page.goto(suite.app.api.base + path);
  await status;
}

describe('language-model advice', () => {
  it('is hidden when no model is configured, and nothing is sent', async () => {
    const { v } = await ticketAtDonghua(suite.app.api.base, '幸福里5号垃圾桶满溢三天无人清运', { sign: true });
    const d = suite.keep(await signIn(suite.browser, suite.app, 'dispatcher1', '/dispatch'));
    await openAfterStatus(d.page, `/tickets/${v.number}`);
    await d.page.locator(`[data-ticket-page="${v.number}"]`).waitFor();
    await d.page.getByRole('heading', { name: '诉求', exact: true }).waitFor();
    expect(await d.page.getByRole('button', { name: '智能摘要' }).count()).toBe(0);
    expect(fake.seen).toEqual([]);
  });

  it('summarises the ticket and checks the reply under review against the fake server', async () => {
    const config = suite.app.deps.config;
    config.LLM_BASE_URL = fake.baseUrl;
    config.LLM_MODEL = 'fake-7b';
    try {
      const { v, sessions } = await ticketAtDonghua(suite.app.api.base, '幸福里5号垃圾桶满溢三天无人清运，联系我13911113333', { sign: true });
      const lead = v.assignments.at(-1);
      await ok(sessions.unit, 'POST', `/api/assignments/${lead.id}/reply`, { version: lead.version, content: '已安排环卫车辆清运完毕。' });

      const d = suite.keep(await signIn(suite.browser, suite.app, 'dispatcher1', '/dispatch'));
      const p = d.page;
      p.setDefaultTimeout(8000);
      fake.answer({ body: completion('诉求人反映幸福里5号垃圾桶满溢三天无人清运；已派东华街道办理并答复，待审核。') });
      await openAfterStatus(p, `/tickets/${v.number}`);
      await p.getByRole('button', { name: '智能摘要' }).click();
      const advice = p.locator('[data-llm="summary"] [data-llm-advice]');
      await advice.getByText('仅供参考', { exact: false }).waitFor();
      await advice.getByText('已派东华街道办理并答复').waitFor();
      await advice.getByText('fake-7b', { exact: false }).waitFor();
      expect(fake.seen.at(-1)!.text).not.toContain('13911113333');
      expect(fake.seen.at(-1)!.text).not.toContain('13911112222');
      await expectAccessible(p, 'ticket page with a summary');
      await screenshot(p, 'llm-summary');

      // the reply review on the dispatch desk
      fake.answer({ body: completion('{"verdict":"does_not_answer","reason":"答复未说明后续如何防止满溢。"}') });
      await p.goto(`${suite.app.api.base}/dispatch`);
      await p.getByRole('tab', { name: /答复审核/ }).click();
      await p.locator('.queue button', { hasText: v.number }).click();
      await p.getByRole('button', { name: '答复核查' }).click();
      const check = p.locator('[data-llm="reply-check"] [data-llm-advice]');
      await check.locator('[data-verdict="does_not_answer"]').waitFor();
      await check.getByText('答复未说明后续如何防止满溢。').waitFor();
      await check.getByText('仅供参考', { exact: false }).waitFor();
      expect(fake.seen.at(-1)!.json.messages[1].content).toContain('已安排环卫车辆清运完毕。');
      await screenshot(p, 'llm-reply-check');

      // a failing endpoint: the error shows, nothing else
      fake.answer({ status: 500, body: '{}' });
      await p.getByRole('button', { name: '重新生成' }).click();
      await p.locator('[data-llm="reply-check"] [role="alert"]').getByText('大模型服务暂时无法使用', { exact: false }).waitFor();
    } finally {
      config.LLM_BASE_URL = undefined;
    }
  });
});
