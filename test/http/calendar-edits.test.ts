/** An admin edits the calendar: single days (local holidays, make-up days) and the working hours; deadlines follow at once. */
import { describe, expect, it } from 'vitest';
import { api, w } from './api-world.ts';
import { audits, deadline, expectProblem, storeDeadline, useCalendarWorld } from './calendar-fixtures.ts';

useCalendarWorld();

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
