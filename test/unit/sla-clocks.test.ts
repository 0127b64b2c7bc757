import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEMO_CALENDAR_YEARS, DEMO_WORKING_HOURS, demoCalendar } from '../../src/seed/calendar.ts';
import { isWorkingDay, localDayNumber, makeCalendar } from '../../src/domain/calendar/calendar.ts';
import { clockStates, dueMarks, nextCheckAt, sortMarks, startAllClocks, stopClock, type Mark, type SlaTerms } from '../../src/domain/sla/clocks.ts';

const cal = makeCalendar({
  days: demoCalendar().map((d) => ({ day: d.day, kind: d.kind })),
  years: DEMO_CALENDAR_YEARS.map((y) => y.year),
  hours: DEMO_WORKING_HOURS.map((h) => ({ start: h.startsAt.slice(0, 5), end: h.endsAt.slice(0, 5) })),
});

const terms = (over: Partial<SlaTerms> = {}): SlaTerms => ({
  sign: { amount: 1, unit: 'working_days' },
  response: { amount: 4, unit: 'working_hours' },
  complete: { amount: 5, unit: 'working_days' },
  counting: { startNextWorkingDay: true },
  thresholds: { yellow: 0.75, red: 0.9 },
  reopenRestartsClock: true,
  ...over,
});
const iso = (d: Date | null) => d?.toISOString() ?? null;
/** Local Asia/Shanghai wall-clock time → the instant. */
const local = (s: string) => new Date(`${s}+08:00`);

describe('deadlines over the 2025–2026 holiday tables (Asia/Shanghai; working hours 09:00–12:00, 13:30–17:30)', () => {
  it.each([
    // [case, dispatched (local), terms override, sign, response, complete]
    [
      'Friday before Spring Festival 2026: the make-up Saturday 2/14 counts, 2/15–2/23 do not',
      '2026-02-13T10:00',
      {},
      '2026-02-14T17:30',
      '2026-02-13T15:30',
      '2026-02-27T17:30',
    ],
    [
      '含本数 (inclusive): the receipt day is day one',
      '2026-02-13T10:00',
      { counting: { startNextWorkingDay: false } },
      '2026-02-13T17:30',
      '2026-02-13T15:30',
      '2026-02-26T17:30',
    ],
    [
      'National Day 2026: after 9/30 the next working days are 10/8, 10/9 and make-up Saturday 10/10',
      '2026-09-30T16:00',
      { complete: { amount: 3, unit: 'working_days' } },
      '2026-10-08T17:30',
      '2026-10-08T11:30',
      '2026-10-10T17:30',
    ],
    ['year boundary 2025 → 2026: 1/1–1/3 off, make-up Sunday 1/4', '2025-12-31T10:00', {}, '2026-01-04T17:30', '2025-12-31T15:30', '2026-01-08T17:30'],
    [
      'natural time ignores holidays: 15 min, 24 h, 7 natural days counted from the next day',
      '2026-02-13T10:00',
      { sign: { amount: 15, unit: 'natural_minutes' }, response: { amount: 24, unit: 'natural_hours' }, complete: { amount: 7, unit: 'natural_days' } },
      '2026-02-13T10:15',
      '2026-02-14T10:00',
      '2026-02-21T00:00',
    ],
  ] as const)('%s', (_name, start, over, sign, response, complete) => {
    const c = startAllClocks(cal, terms(over as Partial<SlaTerms>), local(start));
    expect({ sign: iso(c.due.sign), response: iso(c.due.response), complete: iso(c.due.complete) }).toEqual({
      sign: local(sign).toISOString(),
      response: local(response).toISOString(),
      complete: local(complete).toISOString(),
    });
    expect(c.uncovered).toEqual([]);
  });

  it('marks: yellow and red by working minutes, overdue at the deadline, in time order', () => {
    const c = startAllClocks(cal, terms(), local('2026-02-13T10:00'));
    const complete = c.marks.filter((m) => m.clock === 'complete');
    // 2460 working minutes from Fri 10:00 to 2/27 17:30: 75 % = 1845 → 2/26 14:15; 90 % = 2214 → 2/27 11:54
    expect(complete).toEqual([
      { clock: 'complete', level: 'yellow', at: local('2026-02-26T14:15').toISOString() },
      { clock: 'complete', level: 'red', at: local('2026-02-27T11:54').toISOString() },
      { clock: 'complete', level: 'overdue', at: local('2026-02-27T17:30').toISOString() },
    ]);
    expect(c.marks.map((m) => m.at)).toEqual([...c.marks.map((m) => m.at)].sort());
    expect(c.marks).toHaveLength(9);
  });

  it('a deadline past the last covered day is not computed (never a weekday guess); the other clocks are', () => {
    const c = startAllClocks(cal, terms({ response: { amount: 24, unit: 'natural_hours' } }), local('2026-12-28T10:00'));
    expect(c.due.complete).toBeNull();
    expect(c.uncovered).toEqual([{ clock: 'complete', date: '2027-01-01' }]);
    expect(iso(c.due.sign)).toBe(local('2026-12-29T17:30').toISOString());
    expect(iso(c.due.response)).toBe(local('2026-12-29T10:00').toISOString());
    expect(c.marks.some((m) => m.clock === 'complete')).toBe(false);
    expect(c.marks.filter((m) => m.clock !== 'complete')).toHaveLength(6);
  });

  it('property: every working-clock mark falls inside working hours of a working day, yellow ≤ red ≤ overdue', () => {
    const hours = cal.hours;
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-11-30T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 5, max: 85 }),
        (start, workingHours, workingDays, yellowPct) => {
          const t = terms({
            sign: { amount: workingHours, unit: 'working_hours' },
            complete: { amount: workingDays, unit: 'working_days' },
            thresholds: { yellow: yellowPct / 100, red: (yellowPct + 10) / 100 },
          });
          const c = startAllClocks(cal, t, start);
          for (const clock of ['sign', 'complete'] as const) {
            const marks = c.marks.filter((m) => m.clock === clock);
            expect(marks.map((m) => m.level)).toEqual(['yellow', 'red', 'overdue']);
            for (const m of marks) {
              const at = new Date(m.at);
              expect(at > start).toBe(true);
              const day = localDayNumber(at);
              expect(isWorkingDay(cal, day), m.at).toBe(true);
              const minute = ((at.getTime() + 8 * 3600_000) % 86400_000) / 60_000;
              expect(
                hours.some((h) => minute >= h.start && minute <= h.end),
                `${m.at} ${minute}`,
              ).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('marks', () => {
  const m = (clock: Mark['clock'], level: Mark['level'], at: string): Mark => ({ clock, level, at: new Date(at).toISOString() });
  const marks = [
    m('complete', 'overdue', '2026-03-10T09:00Z'),
    m('sign', 'red', '2026-03-10T03:00Z'),
    m('sign', 'yellow', '2026-03-10T03:00Z'),
    m('sign', 'overdue', '2026-03-10T04:00Z'),
  ];

  it('sort by time, the lower level first at the same instant', () => {
    expect(sortMarks(marks).map((x) => `${x.clock}:${x.level}`)).toEqual(['sign:yellow', 'sign:red', 'sign:overdue', 'complete:overdue']);
  });
  it('dueMarks splits at now (inclusive)', () => {
    const { due, rest } = dueMarks(marks, new Date('2026-03-10T04:00Z'));
    expect(due.map((x) => x.level)).toEqual(['yellow', 'red', 'overdue']);
    expect(rest).toEqual([marks[0]]);
  });
  it('stopClock removes one clock and moves the next check', () => {
    expect(stopClock({ slaMarks: marks }, 'sign')).toEqual({ slaMarks: [marks[0]], nextCheckAt: new Date('2026-03-10T09:00Z') });
    expect(stopClock({ slaMarks: [marks[0]!] }, 'complete')).toEqual({ slaMarks: [], nextCheckAt: null });
    expect(nextCheckAt(marks)).toEqual(new Date('2026-03-10T03:00Z'));
  });
});

describe('clockStates: the level each clock shows', () => {
  const t0 = new Date('2026-03-10T02:00:00Z');
  const plus = (min: number) => new Date(t0.getTime() + min * 60_000);
  const marksFor = (clock: Mark['clock'], due: number): Mark[] => [
    { clock, level: 'yellow', at: plus(due * 0.75).toISOString() },
    { clock, level: 'red', at: plus(due * 0.9).toISOString() },
    { clock, level: 'overdue', at: plus(due).toISOString() },
  ];
  const base = {
    status: 'awaiting_sign',
    slaCycle: 0,
    slaMarks: [...marksFor('sign', 100), ...marksFor('response', 200), ...marksFor('complete', 400)],
    signDueAt: plus(100),
    responseDueAt: plus(200),
    completeDueAt: plus(400),
    signedAt: null,
    firstContactAt: null,
    repliedAt: null,
    endedAt: null,
  };

  it('nothing yet → none; a mark whose time has come shows even before the sweep; past the deadline → overdue', () => {
    expect(clockStates(base, [], plus(10)).sign.level).toBe('none');
    expect(clockStates(base, [], plus(80)).sign.level).toBe('yellow');
    const late = clockStates({ ...base, slaMarks: [] }, [], plus(101));
    expect(late.sign).toEqual({ dueAt: plus(100), stoppedAt: null, level: 'overdue', state: 'missed', missedAt: plus(100), awaitingCalendar: null });
    expect(clockStates(base, [], plus(10)).sign.state).toBe('running');
  });

  it('a stopped clock keeps the level it reached and is judged at the moment it stopped', () => {
    const signed = { ...base, status: 'in_progress', signedAt: plus(80), ...stopClock(base, 'sign') };
    const s = clockStates(signed, [{ clock: 'sign', level: 'yellow', cycle: 0 }], plus(1000)).sign;
    expect(s).toEqual({ dueAt: plus(100), stoppedAt: plus(80), level: 'yellow', state: 'met', missedAt: null, awaitingCalendar: null });
    const lateSign = clockStates({ ...signed, signedAt: plus(150) }, [], plus(1000)).sign;
    expect(lateSign.level).toBe('overdue');
  });

  it('the completion clock counts only its current cycle (an extension or reopen starts it afresh)', () => {
    const fired = [
      { clock: 'complete', level: 'overdue' as const, cycle: 0 },
      { clock: 'sign', level: 'red' as const, cycle: 0 },
    ];
    const after = clockStates({ ...base, slaCycle: 1, completeDueAt: plus(2000), slaMarks: [] }, fired, plus(500));
    expect(after.complete.level).toBe('none');
    expect(after.sign.level).toBe('overdue'); // past its own deadline, never signed
  });

  it('a replied assignment stops its completion clock; an ended one stops every clock', () => {
    const replied = clockStates({ ...base, status: 'replied', repliedAt: plus(100), slaMarks: [] }, [], plus(1000));
    expect(replied.complete).toMatchObject({ stoppedAt: plus(100), level: 'none' });
    const ended = clockStates({ ...base, status: 'returned', endedAt: plus(50), slaMarks: [] }, [], plus(1000));
    expect([ended.sign.level, ended.response.level, ended.complete.level]).toEqual(['none', 'none', 'none']);
  });

  it('a reply stops the response clock too: with no contact before it, the response is missed at the reply', () => {
    const replied = { ...base, status: 'replied', signedAt: plus(10), repliedAt: plus(60), slaMarks: [] };
    expect(clockStates(replied, [], plus(1000)).response).toMatchObject({ stoppedAt: plus(60), state: 'missed', missedAt: plus(60), level: 'overdue' });
    // a contact recorded after the reply does not undo it
    expect(clockStates({ ...replied, firstContactAt: plus(70) }, [], plus(1000)).response.state).toBe('missed');
    // a contact before the reply, in time, is the response
    const met = clockStates({ ...replied, firstContactAt: plus(30) }, [], plus(1000));
    expect(met.response).toMatchObject({ stoppedAt: plus(30), state: 'met', missedAt: null, level: 'none' });
    expect(met.complete).toMatchObject({ stoppedAt: plus(60), state: 'met' });
  });

  it('clocks stopped because the ticket left the units: judged at the stop, neither met nor missed when in time', () => {
    const left = { ...base, status: 'in_progress', signedAt: plus(10), clocksStoppedAt: plus(150), slaMarks: [] };
    const c = clockStates(left, [], plus(5000));
    expect(c.sign.state).toBe('met');
    expect(c.response).toMatchObject({ stoppedAt: plus(150), state: 'stopped', level: 'none', missedAt: null });
    expect(c.complete).toMatchObject({ stoppedAt: plus(150), state: 'stopped', level: 'none', missedAt: null });
    const late = clockStates({ ...left, clocksStoppedAt: plus(250) }, [], plus(5000));
    expect(late.response).toMatchObject({ state: 'missed', missedAt: plus(200), level: 'overdue' });
  });

  it('a termination request holds the completion clock: paused while pending, judged at the request once approved', () => {
    const open = { ...base, status: 'in_progress', signedAt: plus(10), firstContactAt: plus(20), slaMarks: [] };
    const paused = clockStates(open, [], plus(1000), { at: plus(300), pending: true }).complete;
    expect(paused).toMatchObject({ state: 'paused', stoppedAt: plus(300), level: 'none', missedAt: null });
    const approved = clockStates({ ...open, status: 'closed', endedAt: plus(1000), clocksStoppedAt: plus(1000) }, [], plus(2000), {
      at: plus(300),
      pending: false,
    });
    expect(approved.complete).toMatchObject({ state: 'met', stoppedAt: plus(300), level: 'none' });
    const lateRequest = clockStates(open, [], plus(1000), { at: plus(450), pending: true }).complete;
    expect(lateRequest).toMatchObject({ state: 'missed', missedAt: plus(400) });
  });

  it('an extension after the deadline keeps the miss: the new deadline runs, the clock stays missed', () => {
    const extended = {
      ...base,
      status: 'in_progress',
      signedAt: plus(10),
      firstContactAt: plus(20),
      slaCycle: 1,
      completeDueAt: plus(2000),
      completeMissedAt: plus(400),
      slaMarks: [],
    };
    expect(clockStates(extended, [], plus(500)).complete).toMatchObject({ dueAt: plus(2000), state: 'missed', missedAt: plus(400), level: 'overdue' });
  });

  it('a clock past the calendar awaits it: no deadline, its date and year shown', () => {
    const waiting = { ...base, completeDueAt: null, slaWaiting: [{ clock: 'complete' as const, date: '2027-01-01' }], slaMarks: [] };
    expect(clockStates(waiting, [], plus(5000)).complete).toEqual({
      dueAt: null,
      stoppedAt: null,
      level: 'none',
      state: 'awaiting_calendar',
      awaitingCalendar: { date: '2027-01-01', year: 2027 },
      missedAt: null,
    });
  });
});
