import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketOf, bucketOfDay, comparisonRanges, isoWeekLabel, resolveRange, weekStart, yearEarlier } from '../../src/domain/metrics/periods.ts';
import { type DomainError, ValidationError } from '../../src/domain/errors.ts';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return [(e as DomainError).status, (e as DomainError).code];
  }
};

describe('buckets', () => {
  it.each([
    ['day', '2026-04-01', { label: '2026-04-01', start: '2026-04-01', end: '2026-04-01' }],
    ['month', '2026-02', { label: '2026-02', start: '2026-02-01', end: '2026-02-28' }],
    ['month', '2024-02-10', { label: '2024-02', start: '2024-02-01', end: '2024-02-29' }],
    ['week', '2026-W14', { label: '2026-W14', start: '2026-03-30', end: '2026-04-05' }],
    ['week', '2026-04-01', { label: '2026-W14', start: '2026-03-30', end: '2026-04-05' }],
    // ISO week-years differ from calendar years around New Year
    ['week', '2027-01-01', { label: '2026-W53', start: '2026-12-28', end: '2027-01-03' }],
    ['week', '2025-12-31', { label: '2026-W01', start: '2025-12-29', end: '2026-01-04' }],
  ] as const)('%s %s', (period, value, bucket) => {
    expect(bucketOf(period, value)).toEqual(bucket);
  });

  it.each([
    ['day', '2026-02-29'],
    ['day', '2026-13-01'],
    ['day', '20260301'],
    ['month', '2026-13'],
    ['month', '2026-00'],
    ['week', '2026-W54'],
    ['week', '2025-W53'], // 2025 has 52 ISO weeks
  ] as const)('%s %s is not a valid value', (period, value) => {
    expect(bucketOf(period, value)).toBeNull();
  });

  it('every day lies in its week, which is Monday to Sunday and labelled by the week its Thursday is in', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const day = d.toISOString().slice(0, 10);
        const b = bucketOfDay('week', day);
        expect(b.start <= day && day <= b.end).toBe(true);
        expect(new Date(`${b.start}T00:00:00Z`).getUTCDay()).toBe(1);
        expect(weekStart(b.end)).toBe(b.start);
        expect(bucketOf('week', isoWeekLabel(b.start))).toEqual(b);
        const m = bucketOfDay('month', day);
        expect(m.start <= day && day <= m.end && m.label === day.slice(0, 7)).toBe(true);
      }),
    );
  });
});

describe('ranges', () => {
  it('spans the buckets from `from` to `to`, both included', () => {
    const r = resolveRange('month', '2025-11', '2026-02');
    expect(r).toMatchObject({ start: '2025-11-01', end: '2026-02-28' });
    expect(r.buckets.map((b) => b.label)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(resolveRange('week', '2026-03-31', '2026-04-07').buckets.map((b) => b.label)).toEqual(['2026-W14', '2026-W15']);
    expect(resolveRange('day', '2026-03-31').buckets.map((b) => b.label)).toEqual(['2026-03-31']);
  });

  it('malformed → 400 with the field; reversed → 422 metrics_range_invalid; too long → 422 metrics_range_too_large', () => {
    const bad = (() => {
      try {
        resolveRange('month', '2026-3', 'x');
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad.issues.map((i) => i.path)).toEqual(['query.from', 'query.to']);
    expect(code(() => resolveRange('day', '2026-03-02', '2026-03-01'))).toEqual([422, 'metrics_range_invalid']);
    expect(code(() => resolveRange('day', '2025-01-01', '2026-03-01'))).toEqual([422, 'metrics_range_too_large']);
    expect(code(() => resolveRange('month', '2020-01', '2026-01'))).toEqual([422, 'metrics_range_too_large']);
  });
});

describe('quarters, half-years, years and custom ranges', () => {
  it.each([
    ['quarter', '2026-Q1', { label: '2026-Q1', start: '2026-01-01', end: '2026-03-31' }],
    ['quarter', '2026-08-15', { label: '2026-Q3', start: '2026-07-01', end: '2026-09-30' }],
    ['quarter', '2024-02', { label: '2024-Q1', start: '2024-01-01', end: '2024-03-31' }],
    ['half', '2026-H2', { label: '2026-H2', start: '2026-07-01', end: '2026-12-31' }],
    ['half', '2026-06-30', { label: '2026-H1', start: '2026-01-01', end: '2026-06-30' }],
    ['year', '2026', { label: '2026', start: '2026-01-01', end: '2026-12-31' }],
    ['year', '2024-02-29', { label: '2024', start: '2024-01-01', end: '2024-12-31' }],
    ['custom', '2026-05-04', { label: '2026-05-04', start: '2026-05-04', end: '2026-05-04' }],
  ] as const)('%s %s', (period, value, bucket) => {
    expect(bucketOf(period, value)).toEqual(bucket);
  });

  it.each([
    ['quarter', '2026-Q0'],
    ['quarter', '2026-Q5'],
    ['half', '2026-H3'],
    ['year', '226'],
    ['custom', '2026-05'],
  ] as const)('%s %s is not a valid value', (period, value) => {
    expect(bucketOf(period, value)).toBeNull();
  });

  it('every day lies in its quarter, half-year and year', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const day = d.toISOString().slice(0, 10);
        for (const p of ['quarter', 'half', 'year'] as const) {
          const b = bucketOfDay(p, day);
          expect(b.start <= day && day <= b.end).toBe(true);
          expect(bucketOf(p, b.label)).toEqual(b);
        }
      }),
    );
  });

  it('a custom range is one bucket; the comparisons are the span just before and the same dates a year earlier', () => {
    const r = resolveRange('custom', '2026-02-01', '2026-05-20');
    expect(r.buckets).toEqual([{ label: '2026-02-01~2026-05-20', start: '2026-02-01', end: '2026-05-20' }]);
    expect(comparisonRanges('custom', r)).toEqual({ previous: { from: '2025-10-15', to: '2026-01-31' }, yearAgo: { from: '2025-02-01', to: '2025-05-20' } });
    expect(comparisonRanges('quarter', resolveRange('quarter', '2026-Q1', '2026-Q2'))).toEqual({
      previous: { from: '2025-07-01', to: '2025-10-01' },
      yearAgo: { from: '2025-01-01', to: '2025-04-01' },
    });
    // The same ISO week a year earlier; 29 February a year earlier is the 28th.
    expect(comparisonRanges('week', resolveRange('week', '2026-W14')).yearAgo).toEqual({ from: '2025-03-31', to: '2025-03-31' });
    expect(yearEarlier('2024-02-29')).toBe('2023-02-28');
    expect(code(() => resolveRange('custom', '2020-01-01', '2026-01-01'))).toEqual([422, 'metrics_range_too_long']);
  });
});
