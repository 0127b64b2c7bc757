import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEMO_WORKING_HOURS } from '../../src/seed/calendar.ts';
import { demoCalendarData } from '../setup/calendar.ts';
import {
  addWorkingDays,
  addWorkingMinutes,
  deadlineFor,
  fractionInstant,
  isWorkingDay,
  localDayNumber,
  workingMinutesBetween,
  type DayCounting,
  type TimeUnit,
} from '../../src/domain/calendar/calendar.ts';

const cal = demoCalendarData();

const RUNS = { numRuns: 300 };
const DAY_MS = 86400_000;
const OFFSET = 8 * 3600_000;
/** Milliseconds after local (Asia/Shanghai) midnight. */
const localMs = (d: Date) => (((d.getTime() + OFFSET) % DAY_MS) + DAY_MS) % DAY_MS;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const SEGMENTS = DEMO_WORKING_HOURS.map((h) => ({ start: minutes(h.startsAt) * 60_000, end: minutes(h.endsAt) * 60_000 }));
const DAY_END = SEGMENTS.at(-1)!.end;

/** Inside a working segment of a working day (a segment's end belongs to it: a clock may run out at 12:00). */
function inWorkingTime(d: Date, opts: { closedStart?: boolean } = {}): boolean {
  if (!isWorkingDay(cal, localDayNumber(d))) return false;
  const ms = localMs(d);
  return SEGMENTS.some((s) => (opts.closedStart ? ms >= s.start : ms > s.start) && ms <= s.end);
}

// Any instant, to the millisecond, from 2025-01-01 to 2026-09-30 (Asia/Shanghai): far enough from the end of
// 2026 that the additions below stay inside the covered years.
const FROM = Date.parse('2025-01-01T00:00:00+08:00');
const TO = Date.parse('2026-09-30T23:59:59+08:00');
const instant = fc.integer({ min: FROM, max: TO }).map((t) => new Date(t));
/** A start inside working hours. */
const workingStart = instant.filter((d) => inWorkingTime(d, { closedStart: true }));
const counting = fc.constantFrom<DayCounting>({}, { inclusive: true }, { startNextWorkingDay: false }, { startNextWorkingDay: true });
const workingMinutes = fc.integer({ min: 1, max: 30 * 420 });

describe('calendar maths (properties over the 2025–2026 table)', () => {
  it('adding n ≥ 1 working days lands on a working day, at the end of its working hours, after the start', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 }), counting, (start, n, c) => {
        const due = addWorkingDays(cal, start, n, c);
        expect(isWorkingDay(cal, localDayNumber(due))).toBe(true);
        expect(localMs(due)).toBe(DAY_END);
        expect(due > start).toBe(true);
      }),
      RUNS,
    );
  });

  it('次日起 counts exactly n working days after the receipt day; 含本数 at most one fewer', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 }), (start, n) => {
        const first = localDayNumber(start);
        const count = (last: number, from: number) => {
          let k = 0;
          for (let d = from; d <= last; d++) if (isWorkingDay(cal, d)) k++;
          return k;
        };
        expect(count(localDayNumber(addWorkingDays(cal, start, n)), first + 1)).toBe(n);
        const inclusive = localDayNumber(addWorkingDays(cal, start, n, { inclusive: true }));
        expect([n - 1, n]).toContain(count(inclusive, first + 1));
      }),
      RUNS,
    );
  });

  it('adding a then b working minutes equals adding a + b (a > 0)', () => {
    fc.assert(
      fc.property(instant, workingMinutes, fc.integer({ min: 0, max: 30 * 420 }), (start, a, b) => {
        expect(addWorkingMinutes(cal, addWorkingMinutes(cal, start, a), b).getTime()).toBe(addWorkingMinutes(cal, start, a + b).getTime());
      }),
      RUNS,
    );
  });

  it('adding m > 0 working minutes lands inside working hours of a working day', () => {
    fc.assert(
      fc.property(instant, workingMinutes, (start, m) => {
        expect(inWorkingTime(addWorkingMinutes(cal, start, m))).toBe(true);
      }),
      RUNS,
    );
  });

  it('workingMinutesBetween(s, addWorkingMinutes(s, m)) === m for a start in working time', () => {
    fc.assert(
      fc.property(workingStart, fc.integer({ min: 0, max: 30 * 420 }), (start, m) => {
        expect(workingMinutesBetween(cal, start, addWorkingMinutes(cal, start, m))).toBe(m);
      }),
      RUNS,
    );
  });

  it('… and for any start at all (night, weekend, holiday)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 30 * 420 }), (start, m) => {
        expect(workingMinutesBetween(cal, start, addWorkingMinutes(cal, start, m))).toBe(m);
      }),
      RUNS,
    );
  });

  const limit = fc.oneof(
    fc.record({ unit: fc.constant<TimeUnit>('natural_minutes'), amount: fc.integer({ min: 1, max: 5000 }) }),
    fc.record({ unit: fc.constant<TimeUnit>('natural_hours'), amount: fc.integer({ min: 1, max: 500 }) }),
    fc.record({ unit: fc.constant<TimeUnit>('natural_days'), amount: fc.integer({ min: 1, max: 30 }) }),
    fc.record({ unit: fc.constant<TimeUnit>('working_hours'), amount: fc.integer({ min: 1, max: 150 }) }),
    fc.record({ unit: fc.constant<TimeUnit>('working_days'), amount: fc.integer({ min: 1, max: 30 }) }),
  );

  it('deadlines are monotonic in the start instant, for every unit and counting rule', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 20 * DAY_MS }), limit, counting, (s1, gap, l, c) => {
        const s2 = new Date(Math.min(s1.getTime() + gap, TO));
        const d1 = deadlineFor(cal, s1, l, c);
        const d2 = deadlineFor(cal, s2, l, c);
        expect(d1.getTime()).toBeLessThanOrEqual(d2.getTime());
        expect(d1.getTime()).toBeGreaterThan(s1.getTime());
      }),
      RUNS,
    );
  });

  it('a working clock reaches any fraction of its limit inside working hours, and in order', () => {
    fc.assert(
      fc.property(
        instant,
        limit.filter((l) => l.unit.startsWith('working')),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (start, l, f) => {
          const due = deadlineFor(cal, start, l);
          const t = fractionInstant(cal, start, due, f, l.unit);
          expect(inWorkingTime(t)).toBe(true);
          expect(t > start && t <= due).toBe(true);
          expect(fractionInstant(cal, start, due, Math.min(f + 0.005, 0.999), l.unit) >= t).toBe(true);
        },
      ),
      RUNS,
    );
  });
});
