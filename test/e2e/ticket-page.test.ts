import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, users } from '../../db/schema/index.ts';
import { PNG } from '../setup/files.ts';
import { browserSuite, DEMO_PASSWORD, ticketAtDonghua, expectAccessible, screenshot, signIn } from './harness.ts';

const suite = browserSuite();

/** Uploads raw bytes as a browser would, signed in as `username` (cookie + CSRF). */
async function upload(username: string, ticketId: number, bytes: Buffer, name: string) {
  const base = suite.app.api.base;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const r = await fetch(`${base}/api/tickets/${ticketId}/attachments`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'image/png', 'x-file-name': encodeURIComponent(name) },
    body: bytes,
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return (await r.json()) as { id: number };
}

/** A ticket taken by operator1, dispatched to 东华街道, signed there, with the unit's photo attached. */
async function ticketWithPhoto() {
  const { v } = await ticketAtDonghua(suite.app.api.base, '幸福里5号垃圾桶满溢三天无人清运', { sign: true });
  const photo = await upload('handler.s-donghua', v.id, PNG, '现场照片.png');
  return { id: v.id as number, number: v.number as string, photoId: photo.id };
}

const downloadsOf = async (attachmentId: number, username: string) => {
  const db = suite.app.deps.db;
  const [u] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'attachment_downloaded'), eq(auditLog.targetId, String(attachmentId))));
  return rows.filter((r) => r.userId === u!.id).length;
};

describe('the ticket page', () => {
  it('search → open a hit → the timeline says who, the photo shows (audited), and it prints on one A4 page', async () => {
    const { number, photoId } = await ticketWithPhoto();
    const d = suite.keep(await signIn(suite.browser, suite.app, 'dispatcher1', '/dispatch'));
    const p = d.page;

    // 工单查询 from the navigation, by the number without its dash
    await p.getByRole('navigation').getByRole('link', { name: '工单查询' }).click();
    await p.waitForURL('**/tickets');
    await p.getByLabel('工单编号').fill(number.replace('-', ''));
    await p.getByRole('button', { name: '查询', exact: true }).click();
    const hit = p.locator(`tr[data-row="${number}"]`);
    await hit.waitFor();
    await expectAccessible(p, 'ticket search');
    await hit.getByRole('link', { name: number }).click();
    await p.waitForURL(`**/tickets/${number}`);

    // The timeline names who did what: the operator, the dispatcher, the street's handler
    const who = p.locator('#tp-timeline [data-who]');
    await who.first().waitFor();
    const whoTexts = await who.allTextContents();
    expect(whoTexts.some((x) => x.startsWith('话务员张敏（') && x.includes('话务员'))).toBe(true);
    expect(whoTexts.some((x) => x.startsWith('派单员刘畅（'))).toBe(true);
    expect(whoTexts.some((x) => x.includes('东华街道') && x.includes('承办'))).toBe(true);
    expect(await p.locator('[data-caller]').textContent()).toContain('13911112222'); // the centre sees the caller in full

    // The photo's thumbnail is loaded, and that download is in the audit log
    const img = p.locator(`li[data-attachment="${photoId}"] img`);
    await img.waitFor();
    await expect
      .poll(() =>
        img.evaluate((el) => {
          const i = el as unknown as { complete: boolean; naturalWidth: number };
          return i.complete && i.naturalWidth > 0;
        }),
      )
      .toBe(true);
    await expect.poll(() => downloadsOf(photoId, 'dispatcher1')).toBeGreaterThan(0);
    await expectAccessible(p, 'ticket page');
    await screenshot(p, 'ticket-page');

    // Print: the screen-only parts go, the form stays, on one A4 page
    await p.emulateMedia({ media: 'print' });
    expect(await p.locator('#tp-timeline').isVisible()).toBe(false);
    expect(await p.locator('.topbar').isVisible()).toBe(false);
    expect(await p.locator('.tp-form').isVisible()).toBe(true);
    const pdf = await p.pdf({ format: 'A4', printBackground: false });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBe(1);
    await p.emulateMedia({ media: 'screen' });
  }, 120_000);

  it('a unit sees the phone masked; another unit gets "not found" with a way home', async () => {
    const { number } = await ticketWithPhoto();
    const own = suite.keep(await signIn(suite.browser, suite.app, 'handler.s-donghua', '/unit'));
    await own.page.goto(`/tickets/${number}`);
    const caller = own.page.locator('[data-caller]');
    await caller.waitFor();
    expect(await caller.textContent()).not.toContain('13911112222');
    expect(await caller.textContent()).toContain('139****2222');

    const other = suite.keep(await signIn(suite.browser, suite.app, 'handler.s-hubin', '/unit'));
    await other.page.goto(`/tickets/${number}`);
    await other.page.locator('[data-not-found]').getByText(`找不到工单 ${number}`).waitFor();
    expect(await other.page.locator('[data-ticket-page]').count()).toBe(0);
    await expectAccessible(other.page, 'ticket page, not found');
    await other.page.locator('[data-not-found]').getByRole('link', { name: '回到首页' }).click();
    await other.page.waitForURL('**/unit');
  }, 120_000);
});
