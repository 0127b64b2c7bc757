/**
 * The monthly report's numerators and denominators link to their tickets (every figure leads to the tickets behind it): on the hand-computed
 * March of report-fixture.ts, every link in the report's HTML names the figure's metric, side, month and unit scope,
 * and the same query to GET /api/metrics/tickets totals exactly the figure the report prints; the PDF Chromium
 * prints keeps them as link annotations; without a public address the report has no links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import type { MonthlyFigures } from '../../src/domain/reports/contents.ts';
import { computeMonthlyFigures } from '../../src/domain/reports/figures.ts';
import { generateMonthlyReport, getReportFile } from '../../src/domain/reports/commands.ts';
import { reportHtml } from '../../src/domain/reports/html.ts';
import { DEFAULT_METRIC_SETTINGS } from '../../src/domain/metrics/definitions.ts';
import { APRIL_1ST_2AM, seedReportMonth, type ReportFixture } from './report-fixture.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
let fx: ReportFixture;
let figures: MonthlyFigures;
let links: URL[];

/** The report's links, in order, as absolute URLs. */
const linksOf = (html: string) => [...html.matchAll(/<a href="([^"]+)">/g)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&')));
/** The report's link for one side of a figure (the city's, or a unit's subtree or own). */
function linkFor(metric: string, part: string, unitId?: number, own = false): URL {
  const found = links.filter(
    (u) =>
      u.searchParams.get('metric') === metric &&
      u.searchParams.get('part') === part &&
      u.searchParams.get('unitId') === (unitId === undefined ? null : String(unitId)) &&
      u.searchParams.get('scope') === (own ? 'own' : null),
  );
  expect(found.length, `${metric} ${part} ${unitId ?? 'city'}${own ? ' own' : ''}`).toBeGreaterThan(0);
  return found[0]!;
}
/** What the drill-down screen behind a link asks the API: the link's own query. */
async function drillTotals(link: URL, token = fx.w.supervisor.token) {
  const r = await api.call('GET', `/api/metrics/tickets${link.search}`, { token });
  expect(r.status).toBe(200);
  return r.body.totals as { tickets: number; value: number };
}

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {});
  fx = await seedReportMonth(deps);
  deps.clock.set(APRIL_1ST_2AM);
  api = await startApi(deps); // PUBLIC_BASE_URL: this server
  figures = await computeMonthlyFigures(deps.db, '2026-03', { settings: DEFAULT_METRIC_SETTINGS, now: deps.clock.now() });
  links = linksOf(reportHtml(figures, { baseUrl: deps.config.PUBLIC_BASE_URL }));
}, 120_000);
afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('the monthly report links its figures to their tickets', () => {
  it('every link is an absolute address of the drill-down screen for the month', () => {
    expect(links.length).toBeGreaterThan(50);
    for (const u of links) {
      expect(`${u.origin}${u.pathname}`).toBe(`${api.base}/metrics/tickets`);
      expect(u.searchParams.get('period')).toBe('month');
      expect(u.searchParams.get('from')).toBe('2026-03');
      expect(['numerator', 'denominator']).toContain(u.searchParams.get('part'));
      expect([...u.searchParams.keys()].every((k) => ['metric', 'part', 'period', 'from', 'unitId', 'scope'].includes(k))).toBe(true);
    }
  });

  it("the city's rates: each side's link totals what the report prints", async () => {
    const shown = figures.overview.rates.filter((r) => r.denominator > 0);
    expect(shown.map((r) => r.key)).toContain('response_rate');
    for (const r of shown) {
      expect((await drillTotals(linkFor(r.key, 'numerator'))).value, `${r.key} numerator`).toBe(r.numerator);
      expect((await drillTotals(linkFor(r.key, 'denominator'))).value, `${r.key} denominator`).toBe(r.denominator);
    }
    // By hand (report-fixture.ts): 2 of street A's 3, 1 of street B's 2 and the department's 1 responded in time (A1 exempted).
    const response = figures.overview.rates.find((r) => r.key === 'response_rate')!;
    expect([response.numerator, response.denominator]).toEqual([4, 6]);
  }, 60_000);

  it("a unit's rates, with its subtree and its own: the links carry its id (and scope=own) and total its figures", async () => {
    const streets = figures.units.levels.find((l) => l.level === 'street')!;
    const a = streets.units.find((u) => u.unit.id === fx.w.units.streetA.id)!;
    expect(a.counts!.response_rate).toEqual([2, 3]);
    for (const u of streets.units) {
      for (const [k, [n, d]] of Object.entries(u.counts!)) {
        if (!n && !d) continue;
        expect((await drillTotals(linkFor(k, 'numerator', u.unit.id))).value, `${u.unit.name} ${k}`).toBe(n);
        expect((await drillTotals(linkFor(k, 'denominator', u.unit.id))).value, `${u.unit.name} ${k}`).toBe(d);
      }
      for (const [k, [n, d]] of Object.entries(u.own!.counts!)) {
        if (!n && !d) continue;
        expect((await drillTotals(linkFor(k, 'numerator', u.unit.id, true))).value, `${u.unit.name} own ${k}`).toBe(n);
        expect((await drillTotals(linkFor(k, 'denominator', u.unit.id, true))).value, `${u.unit.name} own ${k}`).toBe(d);
      }
    }
    // The street's own leader opens the same link and sees the same figure (unit users read their subtree).
    const own = await drillTotals(linkFor('response_rate', 'numerator', a.unit.id), fx.w.leaderA.token);
    expect(own).toEqual({ tickets: 2, value: 2 });
  }, 120_000);

  it('the red and black lists link their rates as the unit tables do', () => {
    const districts = figures.units.levels.find((l) => l.level === 'district')!;
    const html = reportHtml(figures, { baseUrl: api.base });
    const lists = html.slice(html.indexOf('红榜'), html.indexOf('</table>', html.indexOf('<h4 class="black">')));
    for (const r of [...districts.red, ...districts.black]) {
      for (const k of ['response_rate', 'solved_rate', 'satisfaction_rate']) {
        expect(lists).toContain(`metric=${k}&amp;part=numerator&amp;period=month&amp;from=2026-03&amp;unitId=${r.unit.id}"`);
      }
    }
  });

  it('without a public address the figures are plain text', () => {
    const html = reportHtml(figures, {});
    expect(html).not.toContain('<a ');
    const response = figures.overview.rates.find((r) => r.key === 'response_rate')!;
    expect(html).toContain(`<td>${response.name}</td><td class="num">66.7%</td><td class="num">4 / 6</td>`);
  });

  it('the printed PDF keeps the links as annotations', async () => {
    await generateMonthlyReport(deps, fx.w.supervisor.actor, '2026-03');
    const pdf = (await getReportFile(deps.db, '2026-03', 'pdf')).bytes;
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false }).promise;
    const urls: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      for (const a of await (await doc.getPage(i)).getAnnotations()) if (a.subtype === 'Link' && a.url) urls.push(a.url);
    }
    await doc.destroy();
    expect(pdf.toString('latin1')).toContain('/URI');
    expect(urls).toContain(linkFor('response_rate', 'numerator').href);
    expect(urls).toContain(linkFor('response_rate', 'denominator', fx.w.units.streetA.id, true).href);
  }, 120_000);
});
