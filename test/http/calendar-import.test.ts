/**
 * Importing next year is easy and safe: a year the installed holiday tables have is previewed and
 * imported in one action; iCalendar files that would put days in the wrong place are refused with a 422 and
 * nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, gte } from 'drizzle-orm';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, seedCalendar, type World } from '../setup/world.ts';
import type { Database } from '../../db/client.ts';
import { auditLog, calendarDays, calendarYears } from '../../db/schema/index.ts';
import { addPolicy, assignmentById, dispatchNew } from '../setup/sla.ts';
import { libraryDays, libraryYears } from '../../src/domain/calendar/library.ts';
import { diffYear } from '../../src/domain/calendar/preview.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database); // 2026-03-10 10:00 in Shanghai; 2025 and 2026 covered
  await seedCalendar(deps.db);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

function expectProblem(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.code).toBe(code);
}
const year = async (y: number) => (await api.call('GET', `/api/calendar?year=${y}`, { token: w.operator.token })).body;
const ics = (...events: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//jiesu//ZH', ...events, 'END:VCALENDAR', ''].join('\r\n');
const vevent = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');
const postIcs = (body: string, query = '') =>
  api.call('POST', `/api/calendar/import${query}`, { token: w.admin.token, body, headers: { 'content-type': 'text/calendar; charset=utf-8' } });

describe('the installed holiday tables', () => {
  it('know the published years and never claim one they do not have', () => {
    const years = libraryYears();
    expect(years).toContain(2024);
    expect(years).toContain(2026);
    expect(years).not.toContain(2027);
    // 2024 as the State Council published it: Spring Festival 2/10–2/17, make-up days 2/4 and 2/18
    const d2024 = libraryDays([2024]);
    expect(d2024.filter((d) => d.name === '春节' && d.kind === 'holiday').map((d) => d.day)).toEqual(
      ['10', '11', '12', '13', '14', '15', '16', '17'].map((n) => `2024-02-${n}`),
    );
    expect(d2024.filter((d) => d.kind === 'workday' && d.name.startsWith('春节')).map((d) => d.day)).toEqual(['2024-02-04', '2024-02-18']);
    expect(libraryDays([2027])).toEqual([]);
  });

  it('diffYear names what an import adds, removes and changes', () => {
    const before = [
      { day: '2024-01-01', kind: 'holiday' as const, name: '元旦' },
      { day: '2024-03-11', kind: 'holiday' as const, name: '本地假日' },
      { day: '2024-02-04', kind: 'workday' as const, name: '调休' },
    ];
    const after = [
      { day: '2024-01-01', kind: 'holiday' as const, name: '元旦' },
      { day: '2024-02-04', kind: 'workday' as const, name: '春节调休上班' },
      { day: '2024-02-10', kind: 'holiday' as const, name: '春节' },
    ];
    expect(diffYear(before, after)).toEqual({
      added: [{ day: '2024-02-10', before: null, after: { kind: 'holiday', name: '春节' } }],
      removed: [{ day: '2024-03-11', before: { kind: 'holiday', name: '本地假日' }, after: null }],
      changed: [{ day: '2024-02-04', before: { kind: 'workday', name: '调休' }, after: { kind: 'workday', name: '春节调休上班' } }],
    });
  });
});

describe('GET /api/calendar/library · preview · one-action import', () => {
  it('lists the years the installed data has, which are imported, and whether the next year is among them', async () => {
    const r = await api.call('GET', '/api/calendar/library', { token: w.supervisor.token });
    expect(r.status).toBe(200);
    expect(r.body.library).toMatch(/^chinese-days \d+\.\d+\.\d+$/);
    expect(r.body.years).toContainEqual({ year: 2026, imported: true, source: expect.stringContaining('2026') });
    expect(r.body.years).toContainEqual({ year: 2024, imported: false, source: null });
    expect(r.body.next).toEqual({ year: 2027, available: false });
    expectProblem(await api.call('GET', '/api/calendar/library', { token: w.operator.token }), 403, 'forbidden');
  });

  it('previews a year without writing anything: its days, the checks, the change against the table', async () => {
    const r = await api.call('GET', '/api/calendar/library/2024', { token: w.admin.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ year: 2024, issues: [], warnings: [], current: { covered: false, days: 0 }, waiting: { clocks: 0, tickets: 0 } });
    expect(r.body.source).toContain('2024');
    expect(r.body.days).toEqual(libraryDays([2024]));
    expect(r.body.changes.added).toHaveLength(r.body.days.length);
    expect(r.body.holidays + r.body.workdays).toBe(r.body.days.length);
    expect((await year(2024)).covered).toBe(false);
    // an imported year previews as no change
    const same = await api.call('GET', '/api/calendar/library/2026', { token: w.admin.token });
    expect(same.body.changes).toEqual({ added: [], removed: [], changed: [] });
    expect(same.body.current.covered).toBe(true);
  });

  it('a year the installed data does not have is a 404 that says what to do, for preview and import alike', async () => {
    for (const [method, path] of [
      ['GET', '/api/calendar/library/2027'],
      ['POST', '/api/calendar/library/2027/import'],
    ] as const) {
      const r = await api.call(method, path, { token: w.admin.token });
      expectProblem(r, 404, 'calendar_library_year_missing');
      expect(r.body.detail ?? r.body.title).toMatch(/JSON|iCalendar/);
    }
    expect((await year(2027)).covered).toBe(false);
  });

  it('only admins preview and import', async () => {
    expectProblem(await api.call('GET', '/api/calendar/library/2024', { token: w.supervisor.token }), 403, 'forbidden');
    expectProblem(await api.call('POST', '/api/calendar/library/2024/import', { token: w.supervisor.token }), 403, 'forbidden');
    expect((await year(2024)).covered).toBe(false);
  });

  it('imports the previewed year in one action, audited, and the year is covered at once', async () => {
    const preview = (await api.call('GET', '/api/calendar/library/2024', { token: w.admin.token })).body;
    const r = await api.call('POST', '/api/calendar/library/2024/import', { token: w.admin.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ year: 2024, holidays: preview.holidays, workdays: preview.workdays, replacedRows: 0 });
    const g = await year(2024);
    expect(g).toMatchObject({ covered: true, source: preview.source });
    expect(g.days).toEqual(preview.days);
    const [a] = (await deps.db.select().from(auditLog).where(eq(auditLog.action, 'calendar_year_imported'))).filter((x) => x.targetId === '2024');
    expect(a!.details).toMatchObject({ format: 'library', source: preview.source });
    // a deadline across the Spring Festival of 2024 now computes from the table
    const q = new URLSearchParams({ start: '2024-02-09T02:00:00.000Z', amount: '1', unit: 'working_days' });
    expect((await api.call('GET', `/api/calendar/deadline?${q}`, { token: w.operator.token })).body.due).toBe('2024-02-18T09:30:00.000Z');
  });
});

describe('iCalendar and JSON imports refuse what would misplace a day (422, nothing written)', () => {
  const rows2030 = () => deps.db.select().from(calendarDays).where(eq(calendarDays.day, '2030-01-01'));

  it.each([
    [
      'an all-day event whose DTEND is before DTSTART',
      [vevent('a', 'DTSTART;VALUE=DATE:20300105', 'DTEND;VALUE=DATE:20300101', 'SUMMARY:元旦')],
      'calendar_ical_end_before_start',
    ],
    [
      'an all-day event whose DTEND equals DTSTART',
      [vevent('a', 'DTSTART;VALUE=DATE:20300101', 'DTEND;VALUE=DATE:20300101', 'SUMMARY:元旦')],
      'calendar_ical_end_before_start',
    ],
    [
      'a timed event that ends before it starts',
      [vevent('a', 'DTSTART:20300101T100000Z', 'DTEND:20300101T090000Z', 'SUMMARY:元旦')],
      'calendar_ical_end_before_start',
    ],
    ['a negative DURATION', [vevent('a', 'DTSTART;VALUE=DATE:20300103', 'DURATION:-P2D', 'SUMMARY:元旦')], 'calendar_ical_negative_duration'],
    ['a zero DURATION', [vevent('a', 'DTSTART;VALUE=DATE:20300103', 'DURATION:P0D', 'SUMMARY:元旦')], 'calendar_ical_negative_duration'],
    [
      'an unknown TZID',
      [vevent('a', 'DTSTART;TZID=Mars/Olympus_Mons:20300101T000000', 'DTEND;TZID=Mars/Olympus_Mons:20300102T000000', 'SUMMARY:元旦')],
      'calendar_ical_unknown_tzid',
    ],
    [
      'an unknown TZID on DTEND only',
      [vevent('a', 'DTSTART:20300101T000000', 'DTEND;TZID=Nowhere/Town:20300102T000000', 'SUMMARY:元旦')],
      'calendar_ical_unknown_tzid',
    ],
    ['an event in 1999', [vevent('a', 'DTSTART;VALUE=DATE:19990101', 'SUMMARY:元旦')], 'calendar_year_out_of_range'],
    ['an event in 2101', [vevent('a', 'DTSTART;VALUE=DATE:21010101', 'SUMMARY:元旦')], 'calendar_year_out_of_range'],
  ])('refuses %s', async (_what, events, code) => {
    const r = await postIcs(ics(...events, vevent('ok', 'DTSTART;VALUE=DATE:20300201', 'SUMMARY:春节')));
    expectProblem(r, 422, code);
    expect(r.body.detail ?? r.body.title).toMatch(/未导入任何内容/);
    expect((await year(2030)).covered).toBe(false);
    expect(await rows2030()).toEqual([]);
  });

  it.each([
    ['a JSON year before 2000', { year: 1999, source: 's', days: [] }, ''],
    ['a JSON year after 2100', { year: 2101, source: 's', days: [] }, ''],
  ])('refuses %s', async (_what, body) => {
    expectProblem(await api.call('POST', '/api/calendar/import', { token: w.admin.token, body }), 422, 'calendar_year_out_of_range');
  });

  it('refuses ?year= outside 2000–2100 for an iCalendar file', async () => {
    expectProblem(await postIcs(ics(vevent('a', 'DTSTART;VALUE=DATE:20300101', 'SUMMARY:元旦')), '?year=1999'), 422, 'calendar_year_out_of_range');
    expect((await year(2030)).covered).toBe(false);
  });

  it('reads times in a known zone: a standard TZID, a VTIMEZONE of the file, and floating times as Beijing time', async () => {
    const file = ics(
      'BEGIN:VTIMEZONE',
      'TZID:China Standard Time',
      'BEGIN:STANDARD',
      'DTSTART:16010101T000000',
      'TZOFFSETFROM:+0800',
      'TZOFFSETTO:+0800',
      'END:STANDARD',
      'END:VTIMEZONE',
      // 2030-01-01 20:00 in Berlin is 2030-01-02 03:00 in Beijing: the day off is the 2nd
      vevent('berlin', 'DTSTART;TZID=Europe/Berlin:20300101T200000', 'DTEND;TZID=Europe/Berlin:20300101T210000', 'SUMMARY:柏林时间的假日'),
      // Outlook's own zone definition, +08:00: the 4th
      vevent('outlook', 'DTSTART;TZID="China Standard Time":20300104T090000', 'DTEND;TZID="China Standard Time":20300104T170000', 'SUMMARY:本地假日'),
      vevent('shanghai', 'DTSTART;TZID=Asia/Shanghai:20300201T000000', 'DTEND;TZID=Asia/Shanghai:20300202T000000', 'SUMMARY:春节'),
      vevent('floating', 'DTSTART:20300203T080000', 'DTEND:20300203T180000', 'SUMMARY:春节'),
    );
    const r = await postIcs(file);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await year(2030)).days.map((d: any) => d.day)).toEqual(['2030-01-02', '2030-01-04', '2030-02-01', '2030-02-03']);
  });
});

describe('a centre that never imported 2026: the installed tables have it', () => {
  let db2: Database;
  let deps2: TestDeps;
  let api2: Api;
  let w2: World;

  beforeAll(async () => {
    db2 = await freshDatabase();
    // New Year's Eve 2025 after working hours, with only 2025 in the table.
    deps2 = makeDeps(db2, {}, '2025-12-31T10:00:00Z');
    await seedCalendar(deps2.db);
    await deps2.db.delete(calendarYears).where(eq(calendarYears.year, 2026));
    await deps2.db.delete(calendarDays).where(gte(calendarDays.day, '2026-01-01'));
    api2 = await startApi(deps2);
    w2 = await makeWorld(deps2.db);
    await addPolicy(deps2, w2, {
      sign: { amount: 1, unit: 'working_days' },
      response: { amount: 4, unit: 'working_hours' },
      complete: { amount: 5, unit: 'working_days' },
    });
  });
  afterAll(async () => {
    await api2?.close();
    await db2?.close();
  });

  it('the preview counts the clocks waiting for the year, and the one-action import recomputes them', async () => {
    const {
      assignments: [a],
    } = await dispatchNew(deps2, w2);
    expect(a!.slaWaiting.map((x) => x.clock)).toEqual(['sign', 'response', 'complete']);
    const preview = await api2.call('GET', '/api/calendar/library/2026', { token: w2.admin.token });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.waiting).toEqual({ clocks: 3, tickets: 1 });
    expect(preview.body.current).toMatchObject({ covered: false, days: 0 });
    const r = await api2.call('POST', '/api/calendar/library/2026/import', { token: w2.admin.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const after = await assignmentById(deps2.db, a!.id);
    expect(after.slaWaiting).toEqual([]);
    // 1 working day from 2025-12-31 18:00: 1/1–1/3 are off in 2026, 1/4 (Sunday) is a make-up day → 1/4 17:30
    expect(after.signDueAt?.toISOString()).toBe('2026-01-04T09:30:00.000Z');
    expect((await api2.call('GET', '/api/calendar/library/2026', { token: w2.admin.token })).body.waiting).toEqual({ clocks: 0, tickets: 0 });
  });
});
