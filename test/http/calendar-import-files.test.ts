/**
 * Importing a year as a JSON list of days or as an iCalendar file (POST /api/calendar/import): the year becomes
 * covered, a re-import replaces it, and a file that is inconsistent, ambiguous or too large is refused unchanged.
 */
import { describe, expect, it } from 'vitest';
import { demoCalendar } from '../../src/seed/calendar.ts';
import { checkCalendarCoverage } from '../../src/domain/calendar/coverage-alert.ts';
import { api, deps, w } from './api-world.ts';
import { at, audits, deadline, expectProblem, ics, postIcs, storeDeadline, useCalendarWorld, vevent } from './calendar-fixtures.ts';

useCalendarWorld();

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
