/** The triage clocks' pure rules (src/domain/tickets/triage-clocks.ts), over the demo 2025–2026 calendar; expectations by hand. */
import { describe, expect, it } from 'vitest';
import {
  isReceivingLevel,
  quickReplyDeadline,
  triageClocks,
  triageDeadline,
  triageKinds,
  triageLevel,
  type TriageRow,
} from '../../src/domain/tickets/triage-clocks.ts';
import { demoCalendarData, shanghai } from '../setup/calendar.ts';

const cal = demoCalendarData();
const one = { TRIAGE_ACCEPT_WORKING_DAYS: 1 };
const local = (s: string) => shanghai(s);

describe('who triages', () => {
  it('reads the kinds from the setting, spaces and empties ignored', () => {
    expect(triageKinds({ TRIAGE_UNIT_KINDS: 'district' })).toEqual(['district']);
    expect(triageKinds({ TRIAGE_UNIT_KINDS: ' district, street ,' })).toEqual(['district', 'street']);
  });
  it.each([
    [null, 'lead', 'district', true],
    [null, 'assist', 'district', false],
    [7, 'lead', 'district', false],
    [null, 'lead', 'street', false],
  ] as const)('parent %s, %s, %s → %s', (parentId, role, kind, expected) => {
    expect(isReceivingLevel({ TRIAGE_UNIT_KINDS: 'district' }, { parentId, role }, kind)).toBe(expected);
  });
});

describe('the deadlines', () => {
  it.each([
    ['2026-03-10 10:00', '2026-03-11 17:30'], // Tuesday → Wednesday's close
    ['2026-03-10 20:00', '2026-03-11 17:30'], // after hours: still the next working day
    ['2026-03-13 10:00', '2026-03-16 17:30'], // Friday → Monday
    ['2026-09-30 10:00', '2026-10-08 17:30'], // before National Day → the first working day after it
  ])('triaged within a working day of %s: by %s', (start, due) => {
    expect(triageDeadline(cal, one, local(start))).toEqual({ due: local(due), uncovered: null });
  });
  it('two working days when so configured', () => {
    expect(triageDeadline(cal, { TRIAGE_ACCEPT_WORKING_DAYS: 2 }, local('2026-03-13 10:00')).due).toEqual(local('2026-03-17 17:30'));
  });
  it('past the calendar table: no deadline, the first missing date', () => {
    expect(triageDeadline(cal, one, local('2026-12-31 10:00'))).toEqual({ due: null, uncovered: '2027-01-01' });
  });
  it('the quick reply: natural minutes from the receipt', () => {
    expect(quickReplyDeadline({ TRIAGE_ORDINARY_REPLY_MINUTES: 60 }, local('2026-03-14 23:30'))).toEqual(local('2026-03-15 00:30'));
  });
});

describe('triageClocks', () => {
  const base: TriageRow = {
    status: 'in_progress',
    dispatchedAt: local('2026-03-10 10:00'),
    triage: null,
    triagedAt: null,
    triageDueAt: local('2026-03-11 17:30'),
    quickReplyDueAt: null,
    repliedAt: null,
    endedAt: null,
  };

  it('warns in working time: yellow after 585 and red after 702 of 780 working minutes', () => {
    const c = triageClocks(base, local('2026-03-11 14:14'), { cal }).triage!;
    expect(c).toMatchObject({ yellowAt: local('2026-03-11 14:15'), redAt: local('2026-03-11 16:12'), state: 'running', level: 'none' });
    expect(triageClocks(base, local('2026-03-11 14:15'), { cal }).triage!.level).toBe('yellow');
    expect(triageClocks(base, local('2026-03-11 16:12'), { cal }).triage!.level).toBe('red');
    expect(triageClocks(base, local('2026-03-11 17:30'), { cal }).triage).toMatchObject({ level: 'red', state: 'running' });
    expect(triageClocks(base, local('2026-03-11 17:31'), { cal }).triage).toMatchObject({ level: 'overdue', state: 'missed' });
  });

  it('without the calendar, at fractions of elapsed time', () => {
    // 31.5 h from dispatch to deadline: yellow after 23 h 37.5 min.
    expect(triageClocks(base, local('2026-03-10 11:00')).triage!.yellowAt).toEqual(new Date(local('2026-03-11 09:37').getTime() + 30_000));
  });

  it('met or missed when triaged, measured where it stopped; an ordinary ticket gets the quick-reply clock', () => {
    const ordinary = { ...base, triage: 'ordinary' as const, triagedAt: local('2026-03-10 10:20'), quickReplyDueAt: local('2026-03-10 11:00') };
    const c = triageClocks(ordinary, local('2026-03-12 10:00'), { cal });
    expect(c.triage).toMatchObject({ state: 'met', level: 'none', stoppedAt: local('2026-03-10 10:20') });
    // Unreplied two days later: missed.
    expect(c.quickReply).toMatchObject({ state: 'missed', level: 'overdue', yellowAt: local('2026-03-10 10:45'), redAt: local('2026-03-10 10:54') });
    expect(triageClocks({ ...ordinary, repliedAt: local('2026-03-10 10:50') }, local('2026-03-12 10:00')).quickReply).toMatchObject({
      state: 'met',
      level: 'yellow',
    });
    expect(triageClocks({ ...ordinary, repliedAt: local('2026-03-10 11:00') }, local('2026-03-12 10:00')).quickReply!.state).toBe('met');
    expect(triageClocks({ ...base, triage: 'complex', triagedAt: local('2026-03-12 09:00') }, local('2026-03-12 10:00')).triage).toMatchObject({
      state: 'missed',
      level: 'overdue',
    });
    expect(triageClocks({ ...base, triage: 'complex', triagedAt: local('2026-03-10 11:00') }, local('2026-03-12 10:00')).quickReply).toBeNull();
  });

  it('stopped when the ticket leaves the units before the deadline; none for a unit that does not triage; awaiting the calendar', () => {
    expect(triageClocks({ ...base, status: 'returned', endedAt: local('2026-03-10 15:00') }, local('2026-03-12 10:00')).triage).toMatchObject({
      state: 'stopped',
      level: 'none',
    });
    expect(triageClocks({ ...base, triageDueAt: null }, local('2026-03-12 10:00')).triage).toBeNull();
    expect(triageClocks({ ...base, triageDueAt: null }, local('2026-03-12 10:00'), { receiving: true }).triage).toMatchObject({
      state: 'awaiting_calendar',
      level: 'none',
      dueAt: null,
    });
    expect(triageClocks({ ...base, triageDueAt: null, triagedAt: local('2026-03-10 11:00') }, local('2026-03-12 10:00')).triage!.state).toBe('met');
  });

  it('triageLevel: overdue only after the deadline', () => {
    const c = { yellowAt: local('2026-03-10 10:45'), redAt: local('2026-03-10 10:54'), dueAt: local('2026-03-10 11:00') };
    expect(
      [local('2026-03-10 10:44'), local('2026-03-10 10:45'), local('2026-03-10 10:54'), local('2026-03-10 11:00'), local('2026-03-10 11:01')].map((t) =>
        triageLevel(c, t),
      ),
    ).toEqual(['none', 'yellow', 'red', 'red', 'overdue']);
  });
});
