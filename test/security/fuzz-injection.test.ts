/**
 * SQL and script injection strings are stored, read back verbatim over the API, and rendered in Chromium
 * without executing; and what the fuzzer (./fuzz.test.ts) once found stays fixed.
 */
import { describe, expect, it } from 'vitest';
import { callBody, TEST_PASSWORD } from '../setup/world.ts';
import { ensureWebBuilt, launchBrowser } from '../e2e/harness.ts';
import type { Subject } from './expectations.ts';
import { sw, useFuzzWorld } from './fuzz-fixtures.ts';
import { INJECTIONS } from './fuzz-values.ts';

useFuzzWorld();

// ---------------------------------------------------------------- injection strings, stored and shown verbatim

describe('SQL and script injection strings are stored and shown verbatim, never executed', () => {
  const content = `${INJECTIONS.join(' | ')} 小区门口夜间施工噪音扰民`;
  const address = `<img src=x onerror="window.__xss=1;alert(1)"> '); DROP TABLE tickets;-- 甲区幸福里`;
  const name = `<script>window.__xss=1</script>`;
  let ticket: { id: number; number: string };

  it('round-trips through intake, the detail, the list, the search, the events and the knowledge base', async () => {
    const created = await sw.send('operator', 'POST', '/api/tickets', {
      body: callBody(sw.fx.category, { content, address, caller: { name, phone: '13512340123' } }),
    });
    expect(created.status, created.text).toBe(201);
    ticket = created.body;
    const detail = await sw.send('dispatcher', 'GET', `/api/tickets/${ticket.id}`);
    expect(detail.body).toMatchObject({ content, address, caller: { name } });
    const list = await sw.send('dispatcher', 'GET', `/api/tickets?limit=200&q=${encodeURIComponent("'); DROP TABLE tickets;--")}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: number }) => t.id)).toContain(ticket.id);
    const item = list.body.items.find((t: { id: number }) => t.id === ticket.id);
    expect(item.address).toBe(address);
    for (const q of INJECTIONS) {
      for (const [subject, path] of [
        ['dispatcher', `/api/tickets?q=${encodeURIComponent(q.slice(0, 100))}`],
        ['operator', `/api/kb/search?q=${encodeURIComponent(q.slice(0, 100))}`],
        ['operator', `/api/intake/duplicates?address=${encodeURIComponent(q)}`],
        ['audit_admin', `/api/audit?action=${encodeURIComponent(q)}&targetId=${encodeURIComponent(q)}`],
      ] as [Subject, string][]) {
        const r = await sw.send(subject, 'GET', path);
        expect(r.status, `${path} → ${r.text.slice(0, 200)}`).toBe(200);
      }
    }
    const events = await sw.send('dispatcher', 'GET', `/api/tickets/${ticket.id}/events`);
    expect(events.status).toBe(200);
    // The tables are all still there, with the rows in them.
    const [n] = await sw.database.query<{ n: number }>('select count(*)::int as n from tickets');
    expect(n!.n).toBeGreaterThan(3);
    const [u] = await sw.database.query<{ n: number }>("select count(*)::int as n from users where role = 'admin'");
    expect(u!.n).toBe(1);
  });

  it('renders verbatim in Chromium on the dispatch desk, and no script runs', async () => {
    ensureWebBuilt();
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ baseURL: sw.api.base, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto('/');
      await page.getByLabel('用户名').fill(sw.users.dispatcher.username);
      await page.getByLabel('密码').fill(TEST_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/dispatch');
      const row = page.locator('button[data-item]', { hasText: ticket.number });
      await row.click();
      const detail = page.locator('section.detail');
      await detail.locator('p.content').waitFor();
      expect(await detail.locator('p.content').textContent()).toBe(content);
      expect(await detail.textContent()).toContain(address);
      expect(await detail.textContent()).toContain(name);
      await page.waitForTimeout(300);
      expect(await page.evaluate('window.__xss')).toBeUndefined();
      expect(await page.locator('section.detail img[src="x"], section.detail script, section.detail svg[onload]').count()).toBe(0);
      expect(dialogs).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('what the fuzzer found stays fixed', () => {
  const problem = async (r: Response, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await r.json()) as { code?: string }).code).toBe(code);
  };
  it('a body that claims a Content-Encoding it does not have is a 400 body_encoding_invalid, not a 500', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const r = await fetch(`${sw.api.base}/api/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sw.users.operator.token}`, 'content-type': 'application/json', 'content-encoding': encoding },
        body: JSON.stringify(callBody(sw.fx.category)),
      });
      await problem(r, 400, 'body_encoding_invalid');
    }
  });
  it('a method a path does not serve, or one the router does not know, is a 405 problem (not text, not a 501)', async () => {
    for (const method of ['PATCH', 'PROPFIND']) {
      const r = await fetch(`${sw.api.base}/api/tickets`, { method, headers: { authorization: `Bearer ${sw.users.operator.token}` } });
      await problem(r, 405, 'method_not_allowed');
    }
  });
});
