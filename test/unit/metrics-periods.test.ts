import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketOf, bucketOfDay, isoWeekLabel, resolveRange, weekStart } from '../../src/domain/metrics/periods.ts';
import { type DomainError, ValidationError } from '../../src/domain/errors.ts';

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
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as DomainError).status, (e as DomainError).code];
      }
    };
    expect(code(() => resolveRange('day', '2026-03-02', '2026-03-01'))).toEqual([422, 'metrics_range_invalid']);
    expect(code(() => resolveRange('day', '2025-01-01', '2026-03-01'))).toEqual([422, 'metrics_range_too_large']);
    expect(code(() => resolveRange('month', '2020-01', '2026-01'))).toEqual([422, 'metrics_range_too_large']);
  });
});
