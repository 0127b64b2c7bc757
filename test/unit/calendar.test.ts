import { describe, expect, it } from 'vitest';
import { demoCalendar } from '../../src/seed/calendar.ts';
import { demoCalendarData, shanghai, shanghaiLocal } from '../setup/calendar.ts';
import {
  addWorkingDays,
  addWorkingMinutes,
  CalendarCoverageError,
  coverageEnd,
  dayNumberOf,
  deadlineFor,
  fractionInstant,
  isWorkingDay,
  localDayNumber,
  makeCalendar,
  workingMinutesBetween,
} from '../../src/domain/calendar/calendar.ts';
import { checkYear } from '../../src/domain/calendar/year.ts';
import { coverageStatus } from '../../src/domain/calendar/coverage.ts';

const cal = demoCalendarData();
const at = shanghai;
const local = shanghaiLocal;
const working = (day: string) => isWorkingDay(cal, dayNumberOf(day));

function expand(from: string, to: string): string[] {
  const days: string[] = [];
  for (let n = dayNumberOf(from); n <= dayNumberOf(to); n++) days.push(new Date(n * 86400_000).toISOString().slice(0, 10));
  return days;
}

/**
 * Every 2025–2026 holiday of docs/domain.md §6, written out by hand: the last working day before the break
 * (its eve), the days off, and the first working day after it.
 */
const BREAKS = [
  { name: '2025 元旦', eve: '2024-12-31', off: ['2025-01-01', '2025-01-01'], after: '2025-01-02' },
  { name: '2025 春节', eve: '2025-01-27', off: ['2025-01-28', '2025-02-04'], after: '2025-02-05' },
  { name: '2025 清明', eve: '2025-04-03', off: ['2025-04-04', '2025-04-06'], after: '2025-04-07' },
  { name: '2025 劳动节', eve: '2025-04-30', off: ['2025-05-01', '2025-05-05'], after: '2025-05-06' },
  { name: '2025 端午', eve: '2025-05-30', off: ['2025-05-31', '2025-06-02'], after: '2025-06-03' },
  { name: '2025 国庆中秋', eve: '2025-09-30', off: ['2025-10-01', '2025-10-08'], after: '2025-10-09' },
  { name: '2026 元旦', eve: '2025-12-31', off: ['2026-01-01', '2026-01-03'], after: '2026-01-04' }, // after: a make-up Sunday
  { name: '2026 春节', eve: '2026-02-14', off: ['2026-02-15', '2026-02-23'], after: '2026-02-24' }, // eve: a make-up Saturday
  { name: '2026 清明', eve: '2026-04-03', off: ['2026-04-04', '2026-04-06'], after: '2026-04-07' },
  { name: '2026 劳动节', eve: '2026-04-30', off: ['2026-05-01', '2026-05-05'], after: '2026-05-06' },
  { name: '2026 端午', eve: '2026-06-18', off: ['2026-06-19', '2026-06-21'], after: '2026-06-22' },
  { name: '2026 中秋', eve: '2026-09-24', off: ['2026-09-25', '2026-09-27'], after: '2026-09-28' },
  { name: '2026 国庆', eve: '2026-09-30', off: ['2026-10-01', '2026-10-07'], after: '2026-10-08' },
] as const;

/** Every make-up working day (调休上班) of docs/domain.md §6, with its weekday. */
const MAKE_UP_DAYS = [
  ['2025-01-26', 'Sun'],
  ['2025-02-08', 'Sat'],
  ['2025-04-27', 'Sun'],
  ['2025-09-28', 'Sun'],
  ['2025-10-11', 'Sat'],
  ['2026-01-04', 'Sun'],
  ['2026-02-14', 'Sat'],
  ['2026-02-28', 'Sat'],
  ['2026-05-09', 'Sat'],
  ['2026-09-20', 'Sun'],
  ['2026-10-10', 'Sat'],
] as const;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const dayBefore = (day: string) => new Date((dayNumberOf(day) - 1) * 86400_000).toISOString().slice(0, 10);

/** Inside the working hours (09:00–12:00, 13:30–17:30) of a working day, end of a segment included. */
function inWorkingTime(d: Date): boolean {
  const [day, hm] = local(d).split(' ') as [string, string];
  if (!working(day)) return false;
  return (hm > '09:00' && hm <= '12:00') || (hm > '13:30' && hm <= '17:30');
}

describe.each(BREAKS)('$name', ({ eve, off, after }) => {
  const daysOff = expand(off[0], off[1]);

  it('every day off is not a working day; the eve (when covered) and the day after are', () => {
    for (const d of daysOff) expect(working(d), d).toBe(false);
    expect(working(after)).toBe(true);
    if (eve >= '2025-01-01') expect(working(eve)).toBe(true);
  });

  it('1 working day from the eve lands on the first working day after the break, at the end of its hours', () => {
    expect(local(addWorkingDays(cal, at(`${eve} 10:00`), 1))).toBe(`${after} 17:30`);
    expect(local(deadlineFor(cal, at(`${eve} 10:00`), { amount: 1, unit: 'working_days' }))).toBe(`${after} 17:30`);
  });

  it.each(daysOff)('received on %s (a day off): 1 working day → the first working day after, counted either way', (d) => {
    expect(local(addWorkingDays(cal, at(`${d} 10:00`), 1))).toBe(`${after} 17:30`);
    expect(local(addWorkingDays(cal, at(`${d} 10:00`), 1, { inclusive: true }))).toBe(`${after} 17:30`);
  });

  it('2 working hours from 16:30 on the eve: one hour before the break, one on the morning after', () => {
    if (eve < '2025-01-01') {
      // 2024 is not covered: whether 2024-12-31 was a working day is not known, so the clock cannot start there
      expect(() => addWorkingMinutes(cal, at(`${eve} 16:30`), 120)).toThrow(CalendarCoverageError);
      return;
    }
    expect(local(addWorkingMinutes(cal, at(`${eve} 16:30`), 120))).toBe(`${after} 10:00`);
    expect(workingMinutesBetween(cal, at(`${eve} 16:30`), at(`${after} 10:00`))).toBe(120);
  });

  it('warning thresholds of a working clock over the break never fall on a day off', () => {
    const start = eve < '2025-01-01' ? at(`${off[0]} 10:00`) : at(`${eve} 17:00`);
    for (const unit of ['working_days', 'working_hours'] as const) {
      const due = deadlineFor(cal, start, { amount: unit === 'working_days' ? 2 : 10, unit });
      for (const f of [0.01, 0.25, 0.5, 0.75, 0.9, 0.99]) {
        const t = fractionInstant(cal, start, due, f, unit);
        expect(inWorkingTime(t), `${unit} ${f} → ${local(t)}`).toBe(true);
        expect(daysOff).not.toContain(local(t).slice(0, 10));
        expect(t <= due).toBe(true);
      }
    }
  });
});

describe.each(MAKE_UP_DAYS)('make-up working day %s (%s)', (day, weekday) => {
  it('falls on that weekend day and counts as a working day', () => {
    expect(WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]).toBe(weekday);
    expect(working(day)).toBe(true);
  });

  it('1 working day from the day before lands on it (次日起)', () => {
    expect(local(addWorkingDays(cal, at(`${dayBefore(day)} 10:00`), 1))).toBe(`${day} 17:30`);
  });

  it('含本数: received on it before closing, it is day one', () => {
    expect(local(addWorkingDays(cal, at(`${day} 10:00`), 1, { inclusive: true }))).toBe(`${day} 17:30`);
    expect(local(addWorkingDays(cal, at(`${day} 10:00`), 1, { startNextWorkingDay: false }))).toBe(`${day} 17:30`);
  });

  it('working hours run through its lunch break like any working day', () => {
    expect(local(addWorkingMinutes(cal, at(`${day} 11:30`), 60))).toBe(`${day} 14:00`);
    expect(workingMinutesBetween(cal, at(`${day} 00:00`), at(`${day} 23:59`))).toBe(420);
  });
});

describe('natural vs working time', () => {
  const start = at('2026-09-30 10:00'); // the eve of 国庆 2026
  it.each([
    [{ amount: 30, unit: 'natural_minutes' }, {}, '2026-09-30 10:30'],
    [{ amount: 24, unit: 'natural_hours' }, {}, '2026-10-01 10:00'],
    [{ amount: 3, unit: 'natural_days' }, {}, '2026-10-04 00:00'], // 次日起: 10/1, 10/2, 10/3 → until 24:00 of 10/3
    [{ amount: 3, unit: 'natural_days' }, { inclusive: true }, '2026-10-03 00:00'], // 含本数: 9/30, 10/1, 10/2
    [{ amount: 3, unit: 'working_days' }, {}, '2026-10-10 17:30'], // 10/8, 10/9, 10/10 (make-up Saturday)
    [{ amount: 3, unit: 'working_days' }, { inclusive: true }, '2026-10-09 17:30'], // 9/30, 10/8, 10/9
    [{ amount: 8, unit: 'working_hours' }, {}, '2026-10-08 11:00'], // 6 h on 9/30 (10:00–12:00, 13:30–17:30), 2 h on 10/8
  ] as const)('%j %j → %s', (limit, counting, expected) => {
    expect(local(deadlineFor(cal, start, limit, counting))).toBe(expected);
  });

  it('natural time needs no calendar: it is computed past the last covered day', () => {
    expect(local(deadlineFor(cal, at('2026-12-31 10:00'), { amount: 7, unit: 'natural_days' }))).toBe('2027-01-08 00:00');
    expect(local(deadlineFor(cal, at('2026-12-31 10:00'), { amount: 48, unit: 'natural_hours' }))).toBe('2027-01-02 10:00');
  });

  it('natural-time thresholds are plain elapsed time, even on a holiday', () => {
    const due = deadlineFor(cal, start, { amount: 24, unit: 'natural_hours' });
    expect(local(fractionInstant(cal, start, due, 0.75, 'natural_hours'))).toBe('2026-10-01 04:00');
  });
});

describe('次日起 (the default) vs 含本数', () => {
  it.each([
    ['2026-03-09 10:00', 3, {}, '2026-03-12 17:30'], // Monday: Tue, Wed, Thu
    ['2026-03-09 10:00', 3, { inclusive: true }, '2026-03-11 17:30'], // Mon, Tue, Wed
    ['2026-03-09 10:00', 3, { startNextWorkingDay: false }, '2026-03-11 17:30'],
    ['2026-03-09 10:00', 3, { startNextWorkingDay: true }, '2026-03-12 17:30'],
    ['2026-03-09 20:00', 3, { inclusive: true }, '2026-03-12 17:30'], // after closing: Monday cannot count
    ['2026-03-09 17:30', 1, { inclusive: true }, '2026-03-10 17:30'], // at closing: nothing of Monday is left
    ['2026-03-09 17:29', 1, { inclusive: true }, '2026-03-09 17:30'],
    ['2026-03-09 07:00', 1, { inclusive: true }, '2026-03-09 17:30'], // before opening
    ['2026-03-13 10:00', 1, {}, '2026-03-16 17:30'], // Friday → Monday
    ['2026-03-14 10:00', 1, { inclusive: true }, '2026-03-16 17:30'], // a Saturday is not day one
    ['2026-03-14 10:00', 1, {}, '2026-03-16 17:30'],
  ] as const)('%s + %i working days %j → %s', (start, n, counting, expected) => {
    expect(local(addWorkingDays(cal, at(start), n, counting))).toBe(expected);
  });

  it('0 days is the start itself', () => {
    expect(addWorkingDays(cal, at('2026-03-14 10:00'), 0)).toEqual(at('2026-03-14 10:00'));
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addWorkingDays(cal, at('2026-03-09 10:00'), -1)).toThrow(RangeError);
    expect(() => addWorkingDays(cal, at('2026-03-09 10:00'), 1.5)).toThrow(RangeError);
    expect(() => addWorkingMinutes(cal, at('2026-03-09 10:00'), -1)).toThrow(RangeError);
    expect(() => addWorkingMinutes(cal, at('2026-03-09 10:00'), Number.NaN)).toThrow(RangeError);
  });
});

describe('working hours', () => {
  it.each([
    ['2026-03-10 11:00', 120, '2026-03-10 14:30'], // across lunch
    ['2026-03-10 11:00', 60, '2026-03-10 12:00'], // ends exactly at noon: due at 12:00, not 13:30
    ['2026-03-10 12:30', 60, '2026-03-10 14:30'], // starts at lunch
    ['2026-03-10 07:00', 60, '2026-03-10 10:00'], // before opening
    ['2026-03-10 16:30', 120, '2026-03-11 10:00'], // across the night
    ['2026-03-10 22:00', 30, '2026-03-11 09:30'], // received at night
    ['2026-03-13 17:00', 60, '2026-03-16 09:30'], // across the weekend
    ['2026-03-10 09:00', 420, '2026-03-10 17:30'], // one full day
    ['2026-03-10 09:00', 421, '2026-03-11 09:01'],
  ] as const)('%s + %i working minutes → %s', (start, minutes, expected) => {
    expect(local(addWorkingMinutes(cal, at(start), minutes))).toBe(expected);
    expect(workingMinutesBetween(cal, at(start), addWorkingMinutes(cal, at(start), minutes))).toBe(minutes);
  });

  it('0 minutes is the start itself, even at night', () => {
    expect(addWorkingMinutes(cal, at('2026-03-10 22:00'), 0)).toEqual(at('2026-03-10 22:00'));
  });

  it('keeps seconds exactly', () => {
    const start = new Date(at('2026-03-10 10:00').getTime() + 12_345);
    const due = addWorkingMinutes(cal, start, 150);
    expect(due.getTime() - at('2026-03-10 14:00').getTime()).toBe(12_345);
    expect(workingMinutesBetween(cal, start, due)).toBe(150);
  });

  it('other working hours (one segment, a late shift) give other answers', () => {
    const late = makeCalendar({ days: demoCalendar(), years: [2025, 2026], hours: [{ start: '14:00', end: '22:00' }] });
    expect(local(addWorkingMinutes(late, at('2026-03-10 21:00'), 120))).toBe('2026-03-11 15:00');
    expect(local(addWorkingDays(late, at('2026-03-10 10:00'), 1))).toBe('2026-03-11 22:00');
  });

  it('refuses overlapping or empty working hours', () => {
    expect(() => makeCalendar({ days: [], years: [2026], hours: [] })).toThrow();
    expect(() =>
      makeCalendar({
        days: [],
        years: [2026],
        hours: [
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
      }),
    ).toThrow();
    expect(() => makeCalendar({ days: [], years: [2026], hours: [{ start: '12:00', end: '09:00' }] })).toThrow();
  });
});

describe('time zone: local dates are Asia/Shanghai, whatever the UTC date', () => {
  it('00:30 on 2026-01-01 in Shanghai is still 2025-12-31 in UTC, and it is a holiday', () => {
    const t = new Date('2025-12-31T16:30:00Z');
    expect(local(t)).toBe('2026-01-01 00:30');
    expect(isWorkingDay(cal, localDayNumber(t))).toBe(false);
    expect(local(addWorkingDays(cal, t, 1, { inclusive: true }))).toBe('2026-01-04 17:30');
  });

  it('16:30 UTC on the last day of 国庆 2026 is already the next (working) morning in Shanghai', () => {
    expect(local(addWorkingMinutes(cal, new Date('2026-10-07T16:30:00Z'), 60))).toBe('2026-10-08 10:00');
  });
});

describe('year boundary 2025 → 2026', () => {
  it.each([
    ['2025-12-31 10:00', 1, '2026-01-04 17:30'], // 元旦 1/1–1/3, then the make-up Sunday
    ['2025-12-30 10:00', 2, '2026-01-04 17:30'],
    ['2025-12-31 10:00', 2, '2026-01-05 17:30'],
  ] as const)('%s + %i working days → %s', (start, n, expected) => {
    expect(local(addWorkingDays(cal, at(start), n))).toBe(expected);
  });

  it('working hours carry from the last afternoon of 2025 into the make-up Sunday', () => {
    expect(local(addWorkingMinutes(cal, at('2025-12-31 16:00'), 180))).toBe('2026-01-04 10:30');
    expect(workingMinutesBetween(cal, at('2025-12-31 09:00'), at('2026-01-05 09:00'))).toBe(840);
  });
});

describe('past the last covered day (2026-12-31)', () => {
  function coverageError(fn: () => unknown): CalendarCoverageError {
    let result: unknown;
    try {
      result = fn();
    } catch (err) {
      expect(err).toBeInstanceOf(CalendarCoverageError);
      return err as CalendarCoverageError;
    }
    throw new Error(`expected calendar_not_covered, got a deadline: ${String(result)}`);
  }

  it('a working-day deadline that would fall in 2027 throws calendar_not_covered, never a weekday guess', () => {
    const err = coverageError(() => addWorkingDays(cal, at('2026-12-31 10:00'), 1)); // 2027-01-01 is a Friday
    expect(err.code).toBe('calendar_not_covered');
    expect(err.status).toBe(422);
    expect(err.date).toBe('2027-01-01');
    expect(err.params).toEqual({ date: '2027-01-01' });
  });

  it.each([
    [{ amount: 5, unit: 'working_days' }, '2026-12-28 10:00'],
    [{ amount: 8, unit: 'working_hours' }, '2026-12-31 10:00'],
    [{ amount: 1, unit: 'working_days' }, '2027-03-01 10:00'],
  ] as const)('%j from %s throws', (limit, start) => {
    expect(coverageError(() => deadlineFor(cal, at(start), limit)).code).toBe('calendar_not_covered');
  });

  it('含本数 from an uncovered day throws (whether it is a working day is unknown)', () => {
    expect(coverageError(() => addWorkingDays(cal, at('2024-12-31 10:00'), 1, { inclusive: true })).date).toBe('2024-12-31');
    // 次日起 never asks about the receipt day, so a ticket received on 2024-12-31 still gets a deadline
    expect(local(addWorkingDays(cal, at('2024-12-31 10:00'), 1))).toBe('2025-01-02 17:30');
  });

  it('deadlines that end inside 2026 are still computed', () => {
    expect(local(addWorkingDays(cal, at('2026-12-30 10:00'), 1))).toBe('2026-12-31 17:30');
    expect(local(addWorkingMinutes(cal, at('2026-12-31 10:00'), 120))).toBe('2026-12-31 12:00');
  });

  it('measuring working time into 2027 throws too', () => {
    expect(coverageError(() => workingMinutesBetween(cal, at('2026-12-31 10:00'), at('2027-01-04 10:00'))).date).toBe('2027-01-01');
  });

  it('the same table with 2027 imported computes the 2027 deadline from the imported rows', () => {
    const with2027 = makeCalendar({
      days: [...demoCalendar(), { day: '2027-01-01', kind: 'holiday' }],
      years: [2025, 2026, 2027],
      hours: [{ start: '09:00', end: '17:00' }],
    });
    expect(local(addWorkingDays(with2027, at('2026-12-31 10:00'), 1))).toBe('2027-01-04 17:00');
  });
});

describe('coverage', () => {
  it('ends on the last day of the unbroken run of covered years', () => {
    expect(coverageEnd(cal, at('2025-03-01 10:00'))).toBe('2026-12-31');
    expect(coverageEnd(cal, at('2026-12-31 23:59'))).toBe('2026-12-31');
    expect(coverageEnd(cal, new Date('2026-12-31T16:00:00Z'))).toBeNull(); // 2027-01-01 00:00 in Shanghai
    expect(coverageEnd({ years: new Set([2026, 2028]) }, at('2026-05-01 10:00'))).toBe('2026-12-31');
  });

  it.each([
    ['2026-10-31 23:59', 61, false],
    ['2026-11-01 00:00', 60, true],
    ['2026-12-31 12:00', 0, true],
  ] as const)('on %s there are %i days left (warn: %s)', (now, daysLeft, warn) => {
    expect(coverageStatus(cal, at(now))).toMatchObject({ coverageEnd: '2026-12-31', daysLeft, warn, nextYear: 2027 });
  });

  it('an uncovered current year always warns', () => {
    expect(coverageStatus(cal, at('2027-01-05 10:00'))).toMatchObject({ coverageEnd: null, daysLeft: null, warn: true, nextYear: 2027 });
  });
});

describe('checkYear (an import is consistent as a whole)', () => {
  const year2026 = demoCalendar().filter((d) => d.day.startsWith('2026-'));

  it('accepts the published 2025 and 2026 tables without warnings (≤ 6 working days in a row)', () => {
    expect(checkYear(2026, year2026)).toEqual({ issues: [], warnings: [] });
    expect(
      checkYear(
        2025,
        demoCalendar().filter((d) => d.day.startsWith('2025-')),
      ),
    ).toEqual({ issues: [], warnings: [] });
  });

  it('reports days outside the year, days listed twice and make-up days on a weekday', () => {
    const { issues } = checkYear(2026, [
      { day: '2027-01-01', kind: 'holiday', name: '元旦' },
      { day: '2026-05-01', kind: 'holiday', name: '劳动节' },
      { day: '2026-05-01', kind: 'workday', name: '劳动节' },
    ]);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['days.0.day', 'outside_year'],
      ['days.2.day', 'duplicate_day'],
      ['days.2.kind', 'workday_not_weekend'],
    ]);
  });

  it('warns (does not refuse) when make-up days make more than six working days in a row', () => {
    const weekend = [
      { day: '2026-03-14', kind: 'workday', name: '调休' },
      { day: '2026-03-15', kind: 'workday', name: '调休' },
    ] as const;
    expect(checkYear(2026, [...year2026, weekend[0]])).toEqual({ issues: [], warnings: [] }); // Mon–Sat: six
    const { issues, warnings } = checkYear(2026, [...year2026, ...weekend]);
    expect(issues).toEqual([]);
    expect(warnings).toEqual(['12 working days in a row: 2026-03-09 – 2026-03-20']);
  });
});
