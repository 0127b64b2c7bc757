/**
 * Key supervision's pure rules: the KEY_SUPERVISION_KINDS setting as read (and refused at start), and the
 * working-day cutoff the sweep selects due 督办 items by — checked against addWorkingDays over every hour of
 * weeks with weekends, Spring Festival (make-up Saturdays) and Labour Day.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { addWorkingDays } from '../../src/domain/calendar/calendar.ts';
import { dueCutoff, keyKindTitle, parseKeyKinds } from '../../src/domain/supervision/kinds.ts';
import { demoCalendarData, shanghai, shanghaiLocal } from '../setup/calendar.ts';

describe('the KEY_SUPERVISION_KINDS setting', () => {
  it('reads the default: overdue, repeat with its threshold, redo_dissatisfied, returned with its threshold', () => {
    expect(parseKeyKinds('overdue;repeat>=3;redo_dissatisfied;returned>=2')).toEqual([
      { kind: 'overdue' },
      { kind: 'repeat', min: 3 },
      { kind: 'redo_dissatisfied' },
      { kind: 'returned', min: 2 },
    ]);
    expect(loadConfig({}).KEY_SUPERVISION_KINDS).toBe('overdue;repeat>=3;redo_dissatisfied;returned>=2');
  });

  it('takes spaces, any order, a subset, and an empty text (nothing tracked)', () => {
    expect(parseKeyKinds(' returned >= 1 ; overdue ;')).toEqual([{ kind: 'returned', min: 1 }, { kind: 'overdue' }]);
    expect(parseKeyKinds('')).toEqual([]);
  });

  it.each([
    ['late', /kinds are overdue, repeat, redo_dissatisfied, returned/],
    ['repeat', /repeat needs a threshold/],
    ['overdue>=2', /overdue takes no threshold/],
    ['repeat>=1', /repeat>=N needs N of at least 2/],
    ['returned>=0', /returned>=N needs N of at least 1/],
    ['overdue;overdue', /named twice/],
    ['repeat>3', /cannot read "repeat>3"/],
  ])('refuses %s, naming the part', (text, message) => {
    expect(() => parseKeyKinds(text)).toThrow(message);
  });

  it('a bad setting stops the start with the message', () => {
    expect(() => loadConfig({ KEY_SUPERVISION_KINDS: 'overdue;repeat>=1' })).toThrow(/KEY_SUPERVISION_KINDS: key supervision kinds: cannot read "repeat>=1"/);
  });

  it('names each kind in Chinese with its threshold', () => {
    expect(parseKeyKinds('overdue;repeat>=3;redo_dissatisfied;returned>=2').map(keyKindTitle)).toEqual([
      '超期未办结',
      '重复来电（≥3次）',
      '重办后仍不满意',
      '多次退回（≥2次）',
    ]);
  });
});

describe('the escalation cutoff: an item opened at `since` is due at `now` exactly when since < cutoff', () => {
  const cal = demoCalendarData();

  it('1 working day: a 督办 of Friday goes up at Monday 17:30, not at the weekend', () => {
    const friday = shanghai('2026-03-13 10:00');
    expect(shanghaiLocal(addWorkingDays(cal, friday, 1))).toBe('2026-03-16 17:30');
    expect(shanghaiLocal(dueCutoff(cal, shanghai('2026-03-16 17:29'), 1))).toBe('2026-03-13 00:00'); // Friday's item not yet due
    expect(shanghaiLocal(dueCutoff(cal, shanghai('2026-03-16 17:30'), 1))).toBe('2026-03-16 00:00'); // due: Friday < Monday 00:00
    expect(shanghaiLocal(dueCutoff(cal, shanghai('2026-03-15 12:00'), 1))).toBe('2026-03-13 00:00'); // Sunday: Thursday's items only
  });

  it('over Spring Festival: the make-up Saturday counts, the nine days off do not', () => {
    // Opened Saturday 2026-02-14 (a make-up working day): 3 working days later is 2026-02-26 (2/24, 2/25, 2/26).
    expect(shanghaiLocal(addWorkingDays(cal, shanghai('2026-02-14 09:30'), 3))).toBe('2026-02-26 17:30');
    expect(shanghaiLocal(dueCutoff(cal, shanghai('2026-02-26 17:30'), 3))).toBe('2026-02-24 00:00');
    expect(shanghaiLocal(dueCutoff(cal, shanghai('2026-02-26 17:29'), 3))).toBe('2026-02-14 00:00');
  });

  it.each([1, 2, 3, 5])('agrees with addWorkingDays at every hour from 2026-02-10 to 2026-03-04 and around Labour Day (n = %i)', (n) => {
    const hours = (from: string, days: number) => Array.from({ length: days * 24 }, (_, i) => new Date(shanghai(from).getTime() + i * 3600_000 + 17 * 60_000));
    const sinces = [...hours('2026-02-05 00:00', 30), ...hours('2026-04-25 00:00', 16)];
    const nows = [...hours('2026-02-10 00:00', 23), ...hours('2026-04-28 00:00', 14)].flatMap((d) => [d, new Date(d.getTime() + 73 * 60_000)]);
    const wrong: string[] = [];
    let due = 0;
    for (const now of nows) {
      const cutoff = dueCutoff(cal, now, n);
      for (const since of sinces) {
        if (since > now) continue;
        const expected = addWorkingDays(cal, since, n) <= now;
        if (expected) due++;
        if (since < cutoff !== expected) wrong.push(`${shanghaiLocal(since)} at ${shanghaiLocal(now)}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(due).toBeGreaterThan(1000);
  });
});
