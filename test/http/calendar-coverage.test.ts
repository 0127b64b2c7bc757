/**
 * The calendar as read through the API, and the job that warns before the table runs out (only 2025–2026 are
 * covered here): its alerts, who sees them and how they are resolved; the endpoints in the OpenAPI document.
 */
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, systemAlerts } from '../../db/schema/index.ts';
import { demoCalendar } from '../../src/seed/calendar.ts';
import { checkCalendarCoverage } from '../../src/domain/calendar/coverage-alert.ts';
import { jobs } from '../../src/jobs/index.ts';
import { api, deps, w } from './api-world.ts';
import { at, deadline, expectProblem, openAlerts, useCalendarWorld } from './calendar-fixtures.ts';

useCalendarWorld();

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
