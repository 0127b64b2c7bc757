/**
 * What the calendar API tests (test/http/calendar-*.test.ts) share: their world (./api-world.ts with the
 * 2025–2026 calendar seeded; the clock reads 2026-03-10 10:00 in Shanghai), deadlines through the API and
 * through the cached store, audit rows, alerts, and iCalendar files.
 */
import { expect } from 'vitest';
import { eq } from 'drizzle-orm';
import { seedCalendar } from '../setup/world.ts';
import { shanghai, shanghaiLocal } from '../setup/calendar.ts';
import { auditLog } from '../../db/schema/index.ts';
import { addWorkingDays } from '../../src/domain/calendar/calendar.ts';
import { api, deps, useApiWorld, w } from './api-world.ts';

export function useCalendarWorld() {
  useApiWorld({ prepare: (fresh) => seedCalendar(fresh.db) });
}

/** An Asia/Shanghai wall-clock time as an ISO instant: at('2026-03-10 10:00'). */
export const at = (wallClock: string) => shanghai(wallClock).toISOString();
export const local = shanghaiLocal;

export function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body.code).toBe(code);
}

/** The deadline the API computes right now with the calendar in effect. */
export async function deadline(start: string, amount: number, unit: string, counting = 'next_day') {
  const q = new URLSearchParams({ start: at(start), amount: String(amount), unit, counting });
  const r = await api.call('GET', `/api/calendar/deadline?${q}`, { token: w.operator.token });
  return r.status === 200 ? local(r.body.due) : r.body.code;
}
/** The same through the process's cached calendar (what the SLA engine uses). */
export const storeDeadline = async (start: string, n: number) => local(addWorkingDays(await deps.calendar.get(deps.db), new Date(at(start)), n).toISOString());

export const audits = (action: string) => deps.db.select().from(auditLog).where(eq(auditLog.action, action));
export const openAlerts = (token = w.supervisor.token) => api.call('GET', '/api/alerts', { token });
export const ics = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//jiesu//ZH', 'X-WR-CALNAME:测试节假日', ...events, 'END:VCALENDAR', ''].join('\r\n');
export const vevent = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');
export const postIcs = (body: string, query = '', token = w.admin.token, type = 'text/calendar; charset=utf-8') =>
  api.call('POST', `/api/calendar/import${query}`, { token, body, headers: { 'content-type': type } });
