import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, seedCalendar, type World } from '../setup/world.ts';
import { shanghai, shanghaiLocal } from '../setup/calendar.ts';
import type { Database } from '../../db/client.ts';
import { auditLog, systemAlerts } from '../../db/schema/index.ts';
import { demoCalendar } from '../../src/seed/calendar.ts';
import { addWorkingDays } from '../../src/domain/calendar/calendar.ts';
import { checkCalendarCoverage } from '../../src/domain/calendar/coverage-alert.ts';
import { jobs } from '../../src/jobs/index.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database); // the clock reads 2026-03-10 10:00 in Shanghai
  await seedCalendar(deps.db);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

/** An Asia/Shanghai wall-clock time as an ISO instant: at('2026-03-10 10:00'). */
const at = (wallClock: string) => shanghai(wallClock).toISOString();
const local = shanghaiLocal;

function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body.code).toBe(code);
}

/** The deadline the API computes right now with the calendar in effect. */
async function deadline(start: string, amount: number, unit: string, counting = 'next_day') {
  const q = new URLSearchParams({ start: at(start), amount: String(amount), unit, counting });
  const r = await api.call('GET', `/api/calendar/deadline?${q}`, { token: w.operator.token });
  return r.status === 200 ? local(r.body.due) : r.body.code;
}
/** The same through the process's cached calendar (what the SLA engine uses). */
const storeDeadline = async (start: string, n: number) => local(addWorkingDays(await deps.calendar.get(deps.db), new Date(at(start)), n).toISOString());

const audits = (action: string) => deps.db.select().from(auditLog).where(eq(auditLog.action, action));
const openAlerts = (token = w.supervisor.token) => api.call('GET', '/api/alerts', { token });
const ics = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//jiesu//ZH', 'X-WR-CALNAME:测试节假日', ...events, 'END:VCALENDAR', ''].join('\r\n');
const vevent = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');
const postIcs = (body: string, query = '', token = w.admin.token, type = 'text/calendar; charset=utf-8') =>
  api.call('POST', `/api/calendar/import${query}`, { token, body, headers: { 'content-type': type } });

// ------------------------------------------------------------------ the coverage warning (runs first: only 2025–2026 are covered)

describe('coverage warning job', () => {
  it('is scheduled daily', () => {
    const job = jobs.find((j) => j.name === 'calendar-coverage');
    expect(job?.run).toBe(checkCalendarCoverage);
    expect(job?.cron).toBe('0 8 * * *');
  });

  it('does not warn earlier than 60 days before the last covered day', async () => {
    for (const now of ['2026-03-10 10:00', '2026-10-31 08:00', '2026-10-31 23:59']) {
      const r = await checkCalendarCoverage(deps, new Date(at(now)));
      expect(r, now).toMatchObject({ warn: false, raised: false, coverageEnd: '2026-12-31' });
    }
    expect(await deps.db.select().from(systemAlerts)).toEqual([]);
    expect((await openAlerts()).body.items).toEqual([]);
  });

  it('warns once when 2026-12-31 is 60 days away in Shanghai (still 10-31 in UTC), however often it runs', async () => {
    const first = await checkCalendarCoverage(deps, new Date('2026-10-31T16:00:00Z')); // 2026-11-01 00:00 in Shanghai
    expect(first).toMatchObject({ warn: true, raised: true, daysLeft: 60, coverageEnd: '2026-12-31', nextYear: 2027 });
    for (const now of ['2026-11-01 08:00', '2026-11-02 08:00', '2026-12-31 08:00']) {
      expect((await checkCalendarCoverage(deps, new Date(at(now)))).raised, now).toBe(false);
    }
    const r = await openAlerts();
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({
      kind: 'calendar_coverage',
      dedupeKey: 'calendar_coverage:2026-12-31',
      details: { coverageEnd: '2026-12-31', daysLeft: 60, nextYear: 2027 },
      resolvedAt: null,
    });
    expect(r.body.items[0].message).toContain('2027');
    expect(new Date(r.body.items[0].createdAt).toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });

  it('warns when the current year is not covered at all', async () => {
    const r = await checkCalendarCoverage(deps, new Date(at('2027-01-05 08:00')));
    expect(r).toMatchObject({ warn: true, raised: true, coverageEnd: null, nextYear: 2027 });
    expect((await checkCalendarCoverage(deps, new Date(at('2027-01-06 08:00')))).raised).toBe(false);
    const items = (await openAlerts()).body.items;
    expect(items.map((a: any) => a.dedupeKey)).toEqual(['calendar_coverage:uncovered:2027', 'calendar_coverage:2026-12-31']); // newest first
  });

  it('alerts are for supervisors, admins and dispatchers', async () => {
    expect((await openAlerts(w.admin.token)).status).toBe(200);
    expect((await openAlerts(w.dispatcher.token)).status).toBe(200);
    expectProblem(await openAlerts(w.operator.token), 403, 'forbidden');
    expectProblem(await openAlerts(w.handlerA.token), 403, 'forbidden');
    expectProblem(await api.call('GET', '/api/alerts'), 401, 'unauthenticated');
  });

  it('a supervisor resolves an alert; it leaves the open list and is not raised again', async () => {
    const [alert] = (await openAlerts()).body.items.filter((a: any) => a.dedupeKey === 'calendar_coverage:2026-12-31');
    const path = `/api/alerts/${alert.id}/resolve`;
    expectProblem(await api.call('POST', path, { token: w.dispatcher.token }), 403, 'forbidden');
    expectProblem(await api.call('POST', path, { token: w.operator.token }), 403, 'forbidden');
    const r = await api.call('POST', path, { token: w.supervisor.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: alert.id, resolvedAt: '2026-03-10T02:00:00.000Z' });
    expect((await openAlerts()).body.items.map((a: any) => a.id)).not.toContain(alert.id);
    deps.clock.advance(3600_000);
    const again = await api.call('POST', path, { token: w.admin.token });
    expect(again.body.resolvedAt).toBe('2026-03-10T02:00:00.000Z'); // the first resolution stands
    deps.clock.set('2026-03-10T02:00:00Z');
    expect((await checkCalendarCoverage(deps, new Date(at('2026-11-20 08:00')))).raised).toBe(false);
    const resolved = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'system_alert_resolved'), eq(auditLog.targetId, String(alert.id))));
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.userId).toBe(w.supervisor.id);
    expectProblem(await api.call('POST', '/api/alerts/999999/resolve', { token: w.supervisor.token }), 404, 'alert_not_found');
    expectProblem(await api.call('POST', '/api/alerts/abc/resolve', { token: w.supervisor.token }), 400, 'validation_failed');
  });
});

// ------------------------------------------------------------------ reading

describe('GET /api/calendar', () => {
  it('shows a year to any signed-in user: its days, the covered years, working hours and coverage', async () => {
    const r = await api.call('GET', '/api/calendar?year=2026', { token: w.handlerA.token });
    expect(r.status).toBe(200);
    const rows2026 = demoCalendar().filter((d) => d.day.startsWith('2026-'));
    expect(r.body.days).toEqual(rows2026);
    expect(r.body).toMatchObject({
      year: 2026,
      covered: true,
      workingHours: [
        { start: '09:00', end: '12:00' },
        { start: '13:30', end: '17:30' },
      ],
      coverage: { today: '2026-03-10', end: '2026-12-31', daysLeft: 296, nextYear: 2027, warning: false },
    });
    expect(r.body.source).toContain('2026');
    expect(r.body.coveredYears.map((y: any) => y.year)).toEqual([2025, 2026]);
  });

  it('defaults to the current year; an uncovered year is empty and says so', async () => {
    expect((await api.call('GET', '/api/calendar', { token: w.operator.token })).body.year).toBe(2026);
    const r = await api.call('GET', '/api/calendar?year=2027', { token: w.operator.token });
    expect(r.body).toMatchObject({ year: 2027, covered: false, source: null, days: [] });
  });

  it('validates the year and needs a session', async () => {
    expectProblem(await api.call('GET', '/api/calendar?year=1999', { token: w.operator.token }), 400, 'validation_failed');
    expectProblem(await api.call('GET', '/api/calendar?year=abc', { token: w.operator.token }), 400, 'validation_failed');
    expectProblem(await api.call('GET', '/api/calendar'), 401, 'unauthenticated');
  });

  it('computes deadlines with the table in effect, and refuses one past its end', async () => {
    expect(await deadline('2026-09-30 10:00', 1, 'working_days')).toBe('2026-10-08 17:30');
    expect(await deadline('2026-03-09 10:00', 3, 'working_days', 'inclusive')).toBe('2026-03-11 17:30');
    expect(await deadline('2026-12-31 10:00', 1, 'working_days')).toBe('calendar_not_covered');
    const r = await api.call('GET', `/api/calendar/deadline?start=${encodeURIComponent(at('2026-12-31 10:00'))}&amount=1&unit=working_days`, {
      token: w.operator.token,
      headers: { 'accept-language': 'en' },
    });
    expectProblem(r, 422, 'calendar_not_covered');
    expect(r.body.date).toBe('2027-01-01');
    expect(r.body.detail).toContain('2027-01-01');
  });
});

// ------------------------------------------------------------------ editing single days

describe('PUT / DELETE /api/calendar/days/:day', () => {
  it('an admin makes a Wednesday a local holiday: GET, the API and the cached store all see it at once', async () => {
    expect(await storeDeadline('2026-03-10 10:00', 1)).toBe('2026-03-11 17:30'); // the store is now cached
    const r = await api.call('PUT', '/api/calendar/days/2026-03-11', { token: w.admin.token, body: { kind: 'holiday', name: ' 地方节日 ' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ day: '2026-03-11', kind: 'holiday', name: '地方节日', created: true, recomputed: { assignments: 0, clocks: 0, stillWaiting: 0 } });
    expect(await storeDeadline('2026-03-10 10:00', 1)).toBe('2026-03-12 17:30');
    expect(await deadline('2026-03-10 10:00', 1, 'working_days')).toBe('2026-03-12 17:30');
    const days = (await api.call('GET', '/api/calendar?year=2026', { token: w.operator.token })).body.days;
    expect(days).toContainEqual({ day: '2026-03-11', kind: 'holiday', name: '地方节日' });
    const [a] = await audits('calendar_day_set');
    expect(a).toMatchObject({
      userId: w.admin.id,
      targetType: 'calendar_day',
      targetId: '2026-03-11',
      details: { kind: 'holiday', name: '地方节日', previous: null },
    });
  });

  it('renaming keeps one row; deleting restores the weekday rule; deleting again is 404', async () => {
    const r = await api.call('PUT', '/api/calendar/days/2026-03-11', { token: w.admin.token, body: { kind: 'holiday', name: '地方纪念日' } });
    expect(r.body.created).toBe(false);
    expect((await api.call('GET', '/api/calendar?year=2026', { token: w.operator.token })).body.days.filter((d: any) => d.day === '2026-03-11')).toHaveLength(
      1,
    );
    expect((await api.call('DELETE', '/api/calendar/days/2026-03-11', { token: w.admin.token })).status).toBe(204);
    expect(await storeDeadline('2026-03-10 10:00', 1)).toBe('2026-03-11 17:30');
    expect((await audits('calendar_day_deleted')).map((a) => a.targetId)).toEqual(['2026-03-11']);
    expectProblem(await api.call('DELETE', '/api/calendar/days/2026-03-11', { token: w.admin.token }), 404, 'calendar_day_not_found');
  });

  it('a make-up Saturday becomes a working day; a published holiday can be turned back into one', async () => {
    expect(await deadline('2026-03-13 10:00', 1, 'working_days')).toBe('2026-03-16 17:30');
    expect((await api.call('PUT', '/api/calendar/days/2026-03-14', { token: w.admin.token, body: { kind: 'workday', name: '调休上班' } })).status).toBe(200);
    expect(await deadline('2026-03-13 10:00', 1, 'working_days')).toBe('2026-03-14 17:30');
    expect((await api.call('DELETE', '/api/calendar/days/2026-03-14', { token: w.admin.token })).status).toBe(204);
  });

  it('only admins edit', async () => {
    for (const u of [w.supervisor, w.dispatcher, w.operator, w.handlerA]) {
      expectProblem(await api.call('PUT', '/api/calendar/days/2026-03-11', { token: u.token, body: { kind: 'holiday', name: 'x' } }), 403, 'forbidden');
      expectProblem(await api.call('DELETE', '/api/calendar/days/2026-10-01', { token: u.token }), 403, 'forbidden');
    }
    expect(await deadline('2026-03-10 10:00', 1, 'working_days')).toBe('2026-03-11 17:30');
  });

  it.each([
    ['2026-02-30', { kind: 'holiday', name: 'x' }, 400, 'validation_failed'], // no such date
    ['2026-3-11', { kind: 'holiday', name: 'x' }, 400, 'validation_failed'],
    ['1999-03-11', { kind: 'holiday', name: 'x' }, 400, 'validation_failed'],
    ['2026-03-11', { kind: 'weekend', name: 'x' }, 400, 'validation_failed'],
    ['2026-03-11', { kind: 'holiday', name: '  ' }, 400, 'validation_failed'],
    ['2026-03-11', { kind: 'holiday', name: 'x', extra: 1 }, 400, 'validation_failed'],
    ['2026-03-11', { kind: 'workday', name: '调休' }, 422, 'calendar_workday_not_weekend'], // a Wednesday
    ['2027-01-01', { kind: 'holiday', name: '元旦' }, 422, 'calendar_year_not_imported'],
  ] as const)('PUT %s %j → %i %s', async (day, body, status, code) => {
    expectProblem(await api.call('PUT', `/api/calendar/days/${day}`, { token: w.admin.token, body }), status, code);
  });
});

// ------------------------------------------------------------------ working hours

describe('PUT /api/calendar/working-hours', () => {
  it('changes working-hour arithmetic at once, and is audited', async () => {
    expect(await deadline('2026-03-10 11:00', 2, 'working_hours')).toBe('2026-03-10 14:30');
    const r = await api.call('PUT', '/api/calendar/working-hours', {
      token: w.admin.token,
      body: {
        hours: [
          { start: '14:00', end: '18:00' },
          { start: '08:30', end: '12:00' },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.hours).toEqual([
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '18:00' },
    ]);
    expect(await deadline('2026-03-10 11:00', 2, 'working_hours')).toBe('2026-03-10 15:00');
    expect(await deadline('2026-03-10 10:00', 1, 'working_days')).toBe('2026-03-11 18:00');
    expect((await api.call('GET', '/api/calendar', { token: w.operator.token })).body.workingHours).toEqual(r.body.hours);
    const [a] = await audits('working_hours_set');
    expect(a!.details).toMatchObject({
      previous: [
        { start: '09:00', end: '12:00' },
        { start: '13:30', end: '17:30' },
      ],
    });
    // back to the demo hours for the tests below
    await api.call('PUT', '/api/calendar/working-hours', {
      token: w.admin.token,
      body: {
        hours: [
          { start: '09:00', end: '12:00' },
          { start: '13:30', end: '17:30' },
        ],
      },
    });
    expect(await deadline('2026-03-10 11:00', 2, 'working_hours')).toBe('2026-03-10 14:30');
  });

  it.each([
    [{ hours: [] }, 400, 'validation_failed'],
    [{ hours: [{ start: '9:00', end: '12:00' }] }, 400, 'validation_failed'],
    [{ hours: [{ start: '09:00', end: '24:30' }] }, 400, 'validation_failed'],
    [{ hours: [{ start: '12:00', end: '09:00' }] }, 422, 'working_hours_invalid'],
    [
      {
        hours: [
          { start: '09:00', end: '12:00' },
          { start: '11:30', end: '17:00' },
        ],
      },
      422,
      'working_hours_invalid',
    ],
  ])('%j → %i %s', async (body, status, code) => {
    expectProblem(await api.call('PUT', '/api/calendar/working-hours', { token: w.admin.token, body }), status, code);
  });

  it('only admins', async () => {
    const body = { hours: [{ start: '00:00', end: '24:00' }] };
    expectProblem(await api.call('PUT', '/api/calendar/working-hours', { token: w.supervisor.token, body }), 403, 'forbidden');
    expect(await deadline('2026-03-10 11:00', 2, 'working_hours')).toBe('2026-03-10 14:30');
  });
});

// ------------------------------------------------------------------ importing a year

const DAYS_2027 = [
  { day: '2027-01-01', kind: 'holiday', name: '元旦' },
  { day: '2027-01-02', kind: 'holiday', name: '元旦' },
  { day: '2027-01-03', kind: 'holiday', name: '元旦' },
  { day: '2027-02-05', kind: 'holiday', name: '春节' },
  { day: '2027-02-08', kind: 'holiday', name: '春节' },
  { day: '2027-02-20', kind: 'workday', name: '春节调休上班' },
];

describe('POST /api/calendar/import (JSON)', () => {
  it('imports 2027: the year is covered, deadlines run into it, coverage moves, nothing warns in November', async () => {
    expect(await deadline('2026-12-31 10:00', 1, 'working_days')).toBe('calendar_not_covered');
    await deps.calendar.get(deps.db); // cached before the import
    const r = await api.call('POST', '/api/calendar/import', { token: w.admin.token, body: { year: 2027, source: '测试：2027 年安排', days: DAYS_2027 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year: 2027, source: '测试：2027 年安排', holidays: 5, workdays: 1, replacedRows: 0, warnings: [] });
    expect(await storeDeadline('2026-12-31 10:00', 1)).toBe('2027-01-04 17:30');
    expect(await deadline('2027-02-04 10:00', 1, 'working_days')).toBe('2027-02-09 17:30');
    expect(await deadline('2027-02-19 10:00', 1, 'working_days')).toBe('2027-02-20 17:30');
    expect(await deadline('2027-12-31 10:00', 1, 'working_days')).toBe('calendar_not_covered');
    const g = (await api.call('GET', '/api/calendar?year=2027', { token: w.operator.token })).body;
    expect(g).toMatchObject({ covered: true, source: '测试：2027 年安排', days: DAYS_2027, coverage: { end: '2027-12-31' } });
    expect(await checkCalendarCoverage(deps, new Date(at('2026-11-15 08:00')))).toMatchObject({ warn: false, raised: false, coverageEnd: '2027-12-31' });
    const [a] = await audits('calendar_year_imported');
    expect(a).toMatchObject({ userId: w.admin.id, targetId: '2027', details: { format: 'json', holidays: 5, workdays: 1, previousSource: null } });
  });

  it('re-importing a year replaces its rows (none of the old ones survive) and leaves other years alone', async () => {
    const days = [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }];
    const r = await api.call('POST', '/api/calendar/import', { token: w.admin.token, body: { year: 2027, source: '更正', days } });
    expect(r.body).toMatchObject({ holidays: 1, workdays: 0, replacedRows: 6 });
    expect((await api.call('GET', '/api/calendar?year=2027', { token: w.operator.token })).body.days).toEqual(days);
    expect(await deadline('2027-02-04 10:00', 1, 'working_days')).toBe('2027-02-05 17:30');
    expect((await api.call('GET', '/api/calendar?year=2026', { token: w.operator.token })).body.days).toHaveLength(
      demoCalendar().filter((d) => d.day.startsWith('2026-')).length,
    );
    // and back, for the next tests
    await api.call('POST', '/api/calendar/import', { token: w.admin.token, body: { year: 2027, source: '测试：2027 年安排', days: DAYS_2027 } });
  });

  it('reports warnings for more than six working days in a row, and still imports', async () => {
    const days = [...DAYS_2027, { day: '2027-03-06', kind: 'workday', name: '调休' }, { day: '2027-03-07', kind: 'workday', name: '调休' }];
    const r = await api.call('POST', '/api/calendar/import', { token: w.admin.token, body: { year: 2027, source: 's', days } });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual(['12 working days in a row: 2027-03-01 – 2027-03-12']);
    await api.call('POST', '/api/calendar/import', { token: w.admin.token, body: { year: 2027, source: '测试：2027 年安排', days: DAYS_2027 } });
  });

  it.each([
    [
      'a day of another year',
      { year: 2027, source: 's', days: [...DAYS_2027, { day: '2028-01-01', kind: 'holiday', name: '元旦' }] },
      422,
      'calendar_import_inconsistent',
      ['outside_year'],
    ],
    [
      'a day twice',
      { year: 2027, source: 's', days: [...DAYS_2027, { day: '2027-01-01', kind: 'holiday', name: '元旦' }] },
      422,
      'calendar_import_inconsistent',
      ['duplicate_day'],
    ],
    [
      'a make-up weekday',
      { year: 2027, source: 's', days: [...DAYS_2027, { day: '2027-02-22', kind: 'workday', name: '调休' }] },
      422,
      'calendar_import_inconsistent',
      ['workday_not_weekend'],
    ],
    ['no holiday at all', { year: 2027, source: 's', days: [] }, 422, 'calendar_import_empty', undefined],
    ['a year out of range', { year: 1999, source: 's', days: [] }, 422, 'calendar_year_out_of_range', undefined],
    ['an impossible date', { year: 2027, source: 's', days: [{ day: '2027-02-29', kind: 'holiday', name: 'x' }] }, 400, 'validation_failed', undefined],
    ['no source', { year: 2027, days: DAYS_2027 }, 400, 'validation_failed', undefined],
    ['iCalendar text sent as JSON', JSON.stringify(ics(vevent('a', 'DTSTART;VALUE=DATE:20270101', 'SUMMARY:元旦'))), 400, 'invalid_json', undefined],
    ['nothing', undefined, 400, 'validation_failed', undefined],
  ])('refuses %s, changing nothing', async (_what, body, status, code, issueCodes) => {
    const r = await api.call('POST', '/api/calendar/import', { token: w.admin.token, body });
    expectProblem(r, status, code);
    if (issueCodes) expect(r.body.issues.map((i: any) => i.code)).toEqual(issueCodes);
    const g = (await api.call('GET', '/api/calendar?year=2027', { token: w.operator.token })).body;
    expect(g).toMatchObject({ source: '测试：2027 年安排', days: DAYS_2027 });
  });

  it('only admins import', async () => {
    expectProblem(
      await api.call('POST', '/api/calendar/import', { token: w.supervisor.token, body: { year: 2027, source: 's', days: [DAYS_2027[0]] } }),
      403,
      'forbidden',
    );
    expect((await api.call('GET', '/api/calendar?year=2027', { token: w.operator.token })).body.days).toEqual(DAYS_2027);
  });
});

describe('POST /api/calendar/import (iCalendar)', () => {
  const FILE_2028 = ics(
    // a three-day break as one all-day event: DTEND is exclusive
    vevent('a', 'DTSTART;VALUE=DATE:20280101', 'DTEND;VALUE=DATE:20280104', 'SUMMARY:元旦'),
    // a make-up Saturday by its SUMMARY, one day without DTEND
    vevent('b', 'DTSTART;VALUE=DATE:20280122', 'SUMMARY:春节补班'),
    vevent('c', 'DTSTART;VALUE=DATE:20280125', 'DTEND;VALUE=DATE:20280202', 'SUMMARY:春节'),
    // a make-up Saturday by its category
    vevent('d', 'DTSTART;VALUE=DATE:20280205', 'SUMMARY:春节调休', 'CATEGORIES:WORKDAY'),
    // 班 in the name, but declared a holiday
    vevent('e', 'DTSTART;VALUE=DATE:20280301', 'SUMMARY:本地纪念日（不上班）', 'X-JIESU-DAY-KIND:holiday'),
    // a timed event in UTC: 2028-04-05 00:00–24:00 in Shanghai
    vevent('f', 'DTSTART:20280404T160000Z', 'DTEND:20280405T160000Z', 'SUMMARY:清明节'),
    // a second event on a day already off: the names merge
    vevent('g', 'DTSTART;VALUE=DATE:20280126', 'SUMMARY:除夕'),
    vevent('h', 'DTSTART;VALUE=DATE:20280601', 'SUMMARY:取消的假日', 'STATUS:CANCELLED'),
  );

  it('imports the file by the documented convention', async () => {
    const r = await postIcs(FILE_2028);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ year: 2028, source: '测试节假日', holidays: 13, workdays: 2, warnings: [] });
    const g = (await api.call('GET', '/api/calendar?year=2028', { token: w.operator.token })).body;
    const spring = ['25', '27', '28', '29', '30', '31'].map((d) => ({ day: `2028-01-${d}`, kind: 'holiday', name: '春节' }));
    expect(g.days).toEqual([
      { day: '2028-01-01', kind: 'holiday', name: '元旦' },
      { day: '2028-01-02', kind: 'holiday', name: '元旦' },
      { day: '2028-01-03', kind: 'holiday', name: '元旦' },
      { day: '2028-01-22', kind: 'workday', name: '春节补班' },
      spring[0],
      { day: '2028-01-26', kind: 'holiday', name: '春节、除夕' },
      ...spring.slice(1),
      { day: '2028-02-01', kind: 'holiday', name: '春节' },
      { day: '2028-02-05', kind: 'workday', name: '春节调休' },
      { day: '2028-03-01', kind: 'holiday', name: '本地纪念日（不上班）' },
      { day: '2028-04-05', kind: 'holiday', name: '清明节' },
    ]);
    expect(g.covered).toBe(true);
    expect(g.coverage.end).toBe('2028-12-31');
    expect(await deadline('2028-01-21 10:00', 1, 'working_days')).toBe('2028-01-22 17:30');
    expect(await deadline('2028-01-24 10:00', 1, 'working_days')).toBe('2028-02-02 17:30');
    expect(await deadline('2028-04-04 17:00', 1, 'working_hours')).toBe('2028-04-06 09:30');
    const [a] = (await audits('calendar_year_imported')).filter((x) => x.targetId === '2028');
    expect(a!.details).toMatchObject({ format: 'ical', source: '测试节假日' });
  });

  it('?year= picks one year from a multi-year file (and ?source= names it); without it the file is ambiguous', async () => {
    const file = ics(
      vevent('a', 'DTSTART;VALUE=DATE:20281231', 'DTEND;VALUE=DATE:20290102', 'SUMMARY:元旦'),
      vevent('b', 'DTSTART;VALUE=DATE:20290101', 'SUMMARY:元旦'),
      vevent('c', 'DTSTART;VALUE=DATE:20290216', 'DTEND;VALUE=DATE:20290218', 'SUMMARY:春节'),
    );
    expectProblem(await postIcs(file), 422, 'calendar_import_year_ambiguous');
    expect((await api.call('GET', '/api/calendar?year=2029', { token: w.operator.token })).body.covered).toBe(false);
    const r = await postIcs(file, `?year=2029&source=${encodeURIComponent('国务院 2029')}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ year: 2029, source: '国务院 2029', holidays: 3 });
    expect((await api.call('GET', '/api/calendar?year=2029', { token: w.operator.token })).body.days.map((d: any) => d.day)).toEqual([
      '2029-01-01',
      '2029-02-16',
      '2029-02-17',
    ]);
    // 2028-12-31 was not touched by the 2029 import
    expect((await api.call('GET', '/api/calendar?year=2028', { token: w.operator.token })).body.days.map((d: any) => d.day)).not.toContain('2028-12-31');
  });

  it.each([
    ['unparseable text', 'this is not a calendar', '', 400, 'invalid_ical'],
    ['no VCALENDAR', 'BEGIN:VEVENT\r\nEND:VEVENT\r\n', '', 400, 'invalid_ical'],
    ['no events', ics(), '', 400, 'invalid_ical'],
    ['a recurring event', ics(vevent('r', 'DTSTART;VALUE=DATE:20300101', 'RRULE:FREQ=YEARLY', 'SUMMARY:元旦')), '', 422, 'calendar_ical_recurrence'],
    ['an unknown X-JIESU-DAY-KIND', ics(vevent('x', 'DTSTART;VALUE=DATE:20300101', 'X-JIESU-DAY-KIND:maybe', 'SUMMARY:元旦')), '', 400, 'invalid_ical'],
    [
      'a make-up weekday',
      ics(vevent('a', 'DTSTART;VALUE=DATE:20300101', 'SUMMARY:元旦'), vevent('b', 'DTSTART;VALUE=DATE:20300102', 'SUMMARY:补班')),
      '',
      422,
      'calendar_import_inconsistent',
    ],
    [
      'one day both off and working',
      ics(vevent('a', 'DTSTART;VALUE=DATE:20300105', 'SUMMARY:假'), vevent('b', 'DTSTART;VALUE=DATE:20300105', 'SUMMARY:补班')),
      '',
      422,
      'calendar_import_inconsistent',
    ],
    ['only make-up days', ics(vevent('b', 'DTSTART;VALUE=DATE:20300105', 'SUMMARY:补班')), '', 422, 'calendar_import_empty'],
    ['a year the file does not have', ics(vevent('a', 'DTSTART;VALUE=DATE:20300101', 'SUMMARY:元旦')), '?year=2031', 422, 'calendar_import_empty'],
    ['an event of 400 days', ics(vevent('a', 'DTSTART;VALUE=DATE:20300101', 'DTEND;VALUE=DATE:20310205', 'SUMMARY:x')), '', 400, 'invalid_ical'],
  ])('refuses %s', async (_what, body, query, status, code) => {
    expectProblem(await postIcs(body, query), status, code);
    expect((await api.call('GET', '/api/calendar?year=2030', { token: w.operator.token })).body.covered).toBe(false);
  });

  it('text/calendar is accepted on this route only; other types are 415; bodies over 1 MiB are 413; invalid UTF-8 is 400', async () => {
    const one = ics(vevent('a', 'DTSTART;VALUE=DATE:20300101', 'SUMMARY:元旦'));
    expectProblem(await postIcs(one, '', w.admin.token, 'text/plain'), 415, 'unsupported_media_type');
    expectProblem(
      await api.call('PUT', '/api/calendar/days/2026-03-11', { token: w.admin.token, body: one, headers: { 'content-type': 'text/calendar' } }),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      await api.call('POST', '/api/tickets', { token: w.operator.token, body: one, headers: { 'content-type': 'text/calendar' } }),
      415,
      'unsupported_media_type',
    );
    expectProblem(await postIcs(one + ' '.repeat(1024 * 1024)), 413, 'payload_too_large');
    const res = await fetch(`${api.base}/api/calendar/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.admin.token}`, 'content-type': 'text/calendar' },
      body: new Uint8Array([0x42, 0x45, 0xff, 0xfe, 0x47]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('body_not_utf8');
    expect((await api.call('GET', '/api/calendar?year=2030', { token: w.operator.token })).body.covered).toBe(false);
  });

  it('only admins import', async () => {
    const one = ics(vevent('a', 'DTSTART;VALUE=DATE:20300101', 'SUMMARY:元旦'));
    expectProblem(await postIcs(one, '', w.supervisor.token), 403, 'forbidden');
    expectProblem(await postIcs(one, '', ''), 401, 'unauthenticated');
    expect((await api.call('GET', '/api/calendar?year=2030', { token: w.operator.token })).body.covered).toBe(false);
  });
});

describe('the OpenAPI document', () => {
  it('lists the calendar and alert endpoints', async () => {
    const doc = (await api.call('GET', '/api/openapi.json')).body;
    for (const [path, method] of <[string, string][]>[
      ['/api/calendar', 'get'],
      ['/api/calendar/deadline', 'get'],
      ['/api/calendar/days/{day}', 'put'],
      ['/api/calendar/days/{day}', 'delete'],
      ['/api/calendar/working-hours', 'put'],
      ['/api/calendar/import', 'post'],
      ['/api/alerts', 'get'],
      ['/api/alerts/{id}/resolve', 'post'],
    ])
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });
});
