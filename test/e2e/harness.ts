/**
 * Browser tests: the real app (Koa + Socket.IO, built web app) in-process on a fresh database with the demo
 * city, driven by playwright-core in the Chromium src/adapters/chromium/chromium.ts finds (CHROMIUM_PATH, Debian's, else npm's,
 * with the packaged Chinese font). One browser, one context per user.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Database } from '../../db/client.ts';
import { seedDemo } from '../../src/seed/city.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { resolveChromium } from '../../src/adapters/chromium/chromium.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { cookieSignIn } from '../setup/sign-in.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const DEMO_PASSWORD = 'Demo@12345';

/** Builds web/dist when missing or older than its sources (the same script `npm start` runs). */
export function ensureWebBuilt() {
  execFileSync(process.execPath, [path.join(ROOT, 'web', 'ensure-built.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (!fs.existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) throw new Error('web/dist/index.html is missing after the build');
}

/** Chromium is a hard requirement: no browser, no pass (never a skip). */
export async function launchBrowser(): Promise<Browser> {
  const { executablePath, args, env } = await resolveChromium();
  return chromium.launch({ executablePath, args, env });
}

/** A clock that runs in real time from a fixed, calendar-covered instant (a Tuesday morning in Shanghai). */
export function runningClock(start: string): Clock {
  const t0 = Date.now();
  const base = new Date(start).getTime();
  return { now: () => new Date(base + (Date.now() - t0)) };
}

export type App = { api: Api; deps: TestDeps; database: Database; close(): Promise<void> };

export async function startApp(start = '2026-03-10T01:30:00Z'): Promise<App> {
  const database = await freshDatabase();
  // Demo mode, as `npm start` runs the demo: demo accounts sign in with the demo password (and the demo code).
  const deps = makeDeps(database, { SEED_DEMO: true });
  deps.clock = runningClock(start) as TestDeps['clock'];
  await seedDemo(deps.db);
  const api = await startApi(deps, { realtime: true });
  return {
    api,
    deps,
    database,
    async close() {
      await api.close();
      await database.close();
    },
  };
}

export type BrowserSuite = { app: App; browser: Browser; pages: UserPage[]; keep(u: UserPage): UserPage };

/**
 * One app and one browser for a test file: started before its tests, closed after them. Pages passed to
 * `keep` are closed at the end, and after each test none may have had a page error or CSP violation.
 */
export function browserSuite(start?: string): BrowserSuite {
  const s = { pages: [] as UserPage[], keep: (u: UserPage) => (s.pages.push(u), u) } as BrowserSuite;
  beforeAll(async () => {
    ensureWebBuilt();
    [s.app, s.browser] = await Promise.all([startApp(start), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    for (const p of s.pages) await p.context.close().catch(() => {});
    await s.browser?.close();
    await s.app?.close();
  });
  afterEach(() => {
    for (const p of s.pages) expect(p.errors, 'page errors / CSP violations').toEqual([]);
  });
  return s;
}

/** A signed-in API session (cookie + CSRF), for setting up data around the browsers. */
export async function apiSession(base: string, username: string) {
  const { cookie, csrf: csrfToken } = await cookieSignIn(base, username, DEMO_PASSWORD);
  return async (method: string, p: string, body?: unknown) => {
    const r = await fetch(base + p, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

export type Session = Awaited<ReturnType<typeof apiSession>>;

/** A call as `s`; fails the test unless it answers 2xx, and returns the body. */
export async function ok(s: Session, method: string, path: string, body?: unknown) {
  const r = await s(method, path, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}

/**
 * A demo ticket about 垃圾清运 logged by operator1 and dispatched by dispatcher1 to 东华街道 (lead), signed there
 * by its handler when `sign`; returns the ticket view and the three sessions.
 */
export async function ticketAtDonghua(base: string, content: string, opts: { sign?: boolean } = {}) {
  const [operator, dispatcher, unit] = await Promise.all(['operator1', 'dispatcher1', 'handler.s-donghua'].map((u) => apiSession(base, u)));
  const cats = (await ok(operator!, 'GET', '/api/categories')).items as { id: number; name: string }[];
  const units = (await ok(dispatcher!, 'GET', '/api/units')).items as { id: number; code: string }[];
  let v = await ok(operator!, 'POST', '/api/tickets', {
    type: 'complaint',
    categoryId: cats.find((c) => c.name === '垃圾清运')!.id,
    content,
    address: '东城区东华街道幸福里5号',
    caller: { name: '李女士', phone: '13911112222' },
  });
  if (v.status === 'awaiting_dispatch')
    v = await ok(dispatcher!, 'POST', `/api/tickets/${v.id}/dispatch`, { version: v.version, leadUnitId: units.find((u) => u.code === 's-donghua')!.id });
  if (opts.sign) {
    const lead = v.assignments.at(-1);
    v = await ok(unit!, 'POST', `/api/assignments/${lead.id}/sign`, { version: lead.version });
  }
  return { v, sessions: { operator: operator!, dispatcher: dispatcher!, unit: unit! } };
}

export type UserPage = { context: BrowserContext; page: Page; errors: string[] };

/** A new browser context (one per user) whose clock matches the server's; fails the test on page errors or CSP violations. */
export async function newUserPage(browser: Browser, app: App, opts: { mobile?: boolean } = {}): Promise<UserPage> {
  const context = await browser.newContext({
    baseURL: app.api.base,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: opts.mobile ? { width: 390, height: 844 } : { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    isMobile: !!opts.mobile,
    hasTouch: !!opts.mobile,
  });
  await context.clock.install({ time: app.deps.clock.now() });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) errors.push(`csp: ${m.text()}`);
  });
  return { context, page, errors };
}

/** Signs in through the login form with the keyboard and waits for the role's home screen. */
export async function signIn(browser: Browser, app: App, username: string, home: string): Promise<UserPage> {
  const u = await newUserPage(browser, app);
  await u.page.goto('/');
  await u.page.getByLabel('用户名').waitFor();
  await u.page.keyboard.type(username); // the username field has focus on load
  await u.page.keyboard.press('Tab');
  await u.page.keyboard.type(DEMO_PASSWORD);
  await u.page.keyboard.press('Enter');
  await secondStepIfAsked(u.page);
  await u.page.waitForURL(`**${home}`);
  await u.page.locator('.screen-title').waitFor();
  await u.page.locator('[data-live="online"]').waitFor();
  return u;
}

/**
 * The sign-in form's second step for a demo account with a second factor: types the demo code the page shows
 * (演示模式), after waiting until it is valid when the page says it is not yet.
 */
export async function secondStepIfAsked(page: Page) {
  const code = page.locator('#login-code');
  // Either the second step's field or the first screen after signing in (`home`'s title).
  await code.or(page.locator('.screen-title')).first().waitFor();
  if (!(await code.isVisible())) return;
  const hint = page.locator('[data-demo-code]');
  await hint.waitFor();
  const wait = Number(await hint.getAttribute('data-valid-in'));
  if (wait > 0) await page.waitForTimeout(wait * 1000 + 200);
  await code.fill((await hint.getAttribute('data-demo-code'))!);
  await code.press('Enter');
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] };

/**
 * axe-core in the page (evaluated through the DevTools protocol, so the page's CSP still applies to the app
 * itself): no serious or critical violation of WCAG 2.1 A/AA or best practice.
 */
export async function expectAccessible(page: Page, screen: string) {
  const hasAxe = await page.evaluate('typeof window.axe === "object"');
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],
  }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`)) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${screen}: ${JSON.stringify(bad, null, 2)}`).toEqual([]);
}

/** Every form control and button on the page has an accessible name (label, aria-label(ledby) or text). */
export async function expectAllLabelled(page: Page, screen: string) {
  const unlabelled = (await page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0)
    .filter((el) => {
      if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
      if (el.labels && el.labels.length > 0 && [...el.labels].some((l) => l.textContent.trim())) return false;
      if (el.tagName === 'BUTTON' && el.textContent.trim()) return false;
      return true;
    })
    .map((el) => el.outerHTML.slice(0, 120))`)) as string[];
  expect(unlabelled, `${screen}: controls without a label`).toEqual([]);
}

/** The focused element shows a visible focus indicator (outline of at least 2px, not 'none'). */
export async function expectFocusVisible(page: Page, what: string) {
  const style = (await page.evaluate(`(() => { const el = document.activeElement; const s = getComputedStyle(el);
    return { tag: el.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow }; })()`)) as {
    tag: string;
    outline: string;
    width: number;
    shadow: string;
  };
  expect(style.tag, what).not.toBe('BODY');
  expect(style.outline !== 'none' && style.width >= 2, `${what}: focus outline ${JSON.stringify(style)}`).toBe(true);
}
