import { describe, expect, it } from 'vitest';
import { computeMetrics, DEFAULT_METRIC_SETTINGS, formulas, METRIC_KEYS, METRIC_NAMES, metricSettingsSchema } from '../../src/domain/metrics/definitions.ts';
import { zeroCounters, type Counters } from '../../src/domain/metrics/counters.ts';
import { BOM, cell, metricsCsv } from '../../src/domain/metrics/csv.ts';

const counters = (over: Partial<Counters>): Counters => ({ ...zeroCounters(), ...over });

describe('computeMetrics', () => {
  it('value = numerator ÷ denominator; null when nothing is due', () => {
    const m = computeMetrics(counters({ contacts: 10, notAccepted: 2, directAnswers: 4, repeatContacts: 1 }), DEFAULT_METRIC_SETTINGS, 'zh-CN');
    expect(m.direct_answer_rate).toMatchObject({ value: 0.5, numerator: 4, denominator: 8 }); // contacts less not accepted
    expect(m.repeat_contact_rate).toMatchObject({ value: 0.1, numerator: 1, denominator: 10 });
    expect(m.satisfaction_rate).toMatchObject({ value: null, numerator: 0, denominator: 0 });
  });

  it('the configurable choices change numerators and denominators', () => {
    const c = counters({
      rated: 4,
      satisfied: 2,
      basicallySatisfied: 1,
      solvedAnswers: 4,
      solved: 1,
      partlySolved: 2,
      leadCompleteDue: 5,
      leadCompleteReturned: 1,
      completedDue: 3,
      responseDue: 8,
      leadResponseDue: 5,
      respondedOnTime: 4,
      leadRespondedOnTime: 3,
      leadDispatched: 6,
      leadReturned: 2,
      completed: 3,
    });
    const d = computeMetrics(c, DEFAULT_METRIC_SETTINGS, 'zh-CN');
    expect([
      d.satisfaction_rate.numerator,
      d.solved_rate.numerator,
      d.completion_rate.denominator,
      d.response_rate.denominator,
      d.completion_rate_dispatched.denominator,
    ]).toEqual([3, 1, 4, 5, 4]);
    const alt = computeMetrics(
      c,
      { ...DEFAULT_METRIC_SETTINGS, satisfiedIncludesBasic: false, solvedIncludesPartly: true, completionExcludesReturned: false, responseLeadOnly: false },
      'zh-CN',
    );
    expect([
      alt.satisfaction_rate.numerator,
      alt.solved_rate.numerator,
      alt.completion_rate.denominator,
      alt.response_rate.denominator,
      alt.completion_rate_dispatched.denominator,
    ]).toEqual([2, 3, 5, 8, 6]);
    expect(alt.response_rate.numerator).toBe(4);
  });

  it('the due-based rates read the due-day cohorts; clocks awaiting the calendar are pending, outside numerator and denominator', () => {
    const c = counters({
      dispatched: 10,
      replied: 9,
      signedOnTime: 6,
      signPending: 2,
      completeDue: 4,
      repliedDue: 3,
      completePending: 5,
      leadResponseDue: 2,
      leadRespondedOnTime: 1,
      leadResponsePending: 3,
      completionJudged: 4,
      closedOnTime: 3,
      leadCompletePending: 1,
    });
    const m = computeMetrics(c, DEFAULT_METRIC_SETTINGS, 'zh-CN');
    expect(m.reply_rate).toMatchObject({ numerator: 3, denominator: 4, pending: 5, value: 0.75, unit: 'rate' });
    expect(m.reply_rate_dispatched).toMatchObject({ numerator: 9, denominator: 10, pending: 0 });
    expect(m.timely_sign_rate).toMatchObject({ numerator: 6, denominator: 8, pending: 2 });
    expect(m.response_rate).toMatchObject({ numerator: 1, denominator: 2, pending: 3 });
    expect(m.on_time_completion_rate).toMatchObject({ numerator: 3, denominator: 4, pending: 1 });
  });

  it("the centre's own figures: an average in minutes and three rates", () => {
    const m = computeMetrics(
      counters({
        dispatchDecisions: 4,
        dispatchWaitMinutes: 130,
        dispatchOnTime: 3,
        reviewsDecided: 5,
        reviewsOnTime: 4,
        callbackRounds: 2,
        callbacksOnTime: 1,
      }),
      DEFAULT_METRIC_SETTINGS,
      'zh-CN',
    );
    expect(m.avg_dispatch_minutes).toMatchObject({ value: 32.5, unit: 'minutes', numerator: 130, denominator: 4 });
    expect([m.timely_dispatch_rate.value, m.timely_review_rate.value, m.timely_callback_rate.value]).toEqual([0.75, 0.8, 0.5]);
  });

  it('every metric has a name and a definition in both languages, for every combination of choices', () => {
    for (const a of [true, false])
      for (const b of [true, false])
        for (const c of [true, false])
          for (const e of [true, false]) {
            const f = formulas({
              ...DEFAULT_METRIC_SETTINGS,
              satisfiedIncludesBasic: a,
              solvedIncludesPartly: b,
              responseLeadOnly: c,
              completionExcludesReturned: e,
            });
            for (const k of METRIC_KEYS) {
              expect(f[k].text['zh-CN']).toContain(METRIC_NAMES[k]['zh-CN']);
              expect(f[k].text.en.length).toBeGreaterThan(20);
            }
          }
    const on = formulas(DEFAULT_METRIC_SETTINGS).satisfaction_rate.text;
    const off = formulas({ ...DEFAULT_METRIC_SETTINGS, satisfiedIncludesBasic: false }).satisfaction_rate.text;
    expect(on['zh-CN']).not.toBe(off['zh-CN']);
    expect(on.en).not.toBe(off.en);
  });

  it('settings are validated: weights must not all be zero', () => {
    expect(metricSettingsSchema.safeParse(DEFAULT_METRIC_SETTINGS).success).toBe(true);
    expect(
      metricSettingsSchema.safeParse({ ...DEFAULT_METRIC_SETTINGS, rankingWeights: { response_rate: 0, solved_rate: 0, satisfaction_rate: 0 } }).success,
    ).toBe(false);
  });
});

describe('CSV', () => {
  it('quotes what must be quoted and defuses formulas', () => {
    expect(cell('甲街道')).toBe('甲街道');
    expect(cell('a,b')).toBe('"a,b"');
    expect(cell('say "hi"')).toBe('"say ""hi"""');
    expect(cell('two\nlines')).toBe('"two\nlines"');
    expect(cell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(cell(null)).toBe('');
    expect(cell(12)).toBe('12');
  });

  it('starts with a BOM, uses CRLF, percentages with two decimals, empty for no data', () => {
    const m = computeMetrics(counters({ rated: 3, satisfied: 2 }), DEFAULT_METRIC_SETTINGS, 'zh-CN');
    const defs = Object.fromEntries(METRIC_KEYS.map((k) => [k, formulas(DEFAULT_METRIC_SETTINGS)[k].text['zh-CN']])) as Record<
      (typeof METRIC_KEYS)[number],
      string
    >;
    const csv = metricsCsv([{ bucket: '2026-03', start: '2026-03-01', end: '2026-03-31', group: null, metrics: m, counters: zeroCounters() }], 'zh-CN', {
      grouped: false,
      definitions: defs,
    });
    expect(csv.startsWith(BOM)).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    const header = lines[0]!.split(',');
    const row = lines[1]!.split(',');
    expect(row[header.indexOf('满意率')]).toBe('66.67%');
    expect(row[header.indexOf('解决率')]).toBe('');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.slice(1)).not.toMatch(/[^\r]\n/);
  });
});

describe('pickGrain', () => {
  it('the smallest rollup that has the dimensions and the resolution a query needs', async () => {
    const { pickGrain } = await import('../../src/domain/metrics/grains.ts');
    const name = (unit: boolean, category: boolean, monthly: boolean) => pickGrain({ unit, category, monthly }).name;
    expect(name(false, false, true)).toBe('unit_monthly');
    expect(name(true, false, true)).toBe('unit_monthly');
    expect(name(false, true, true)).toBe('category_monthly');
    expect(name(true, true, true)).toBe('daily');
    expect(name(false, false, false)).toBe('unit_daily');
    expect(name(true, false, false)).toBe('unit_daily');
    expect(name(false, true, false)).toBe('daily');
  });
});
