/**
 * Every rate against the hand-computed March fixture (./metrics-formulas-fixtures.ts): street A, the other units
 * and the centre, the red and black lists, and the Asia/Shanghai buckets.
 */
import { describe, expect, it } from 'vitest';
import { makeCategoryLeaf, makeKbArticle } from '../setup/world.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { rankings } from '../../src/domain/metrics/rankings.ts';
import { DEFAULT_METRIC_SETTINGS } from '../../src/domain/metrics/definitions.ts';
import { loadMetricSettings, updateMetricSettings } from '../../src/domain/metrics/settings.ts';
import { d, deps, fractions, rowsFor, unitRow, useMarchFixture, w } from './metrics-formulas-fixtures.ts';

useMarchFixture();

describe('street A in March (hand-computed)', () => {
  it('every rate, without the appealed ticket', async () => {
    const row = await unitRow(w.units.streetA.id);
    expect(row.bucket).toBe('2026-03');
    expect(
      fractions(row, [
        'timely_sign_rate',
        'response_rate',
        'reply_rate',
        'completion_rate',
        'on_time_completion_rate',
        'solved_rate',
        'satisfaction_rate',
        'valid_callback_rate',
        'return_rate',
        'redo_rate',
      ]),
    ).toEqual({
      timely_sign_rate: '3/4', // T1, T3, T5 in time; T2 late
      response_rate: '3/4', // T2 contacted after the 4 h limit
      reply_rate: '4/4',
      completion_rate: '4/4',
      on_time_completion_rate: '3/4', // T2 replied after 50 h of 48
      solved_rate: '2/4', // T1, T3 (second callback) solved; T2 partly; T3 (first) unsolved
      satisfaction_rate: '3/4', // 满意 T1, T3; 基本满意 T2 counts by default
      valid_callback_rate: '4/7', // every attempt counts: T5's three calls never reached the caller, T3 was called in two rounds
      return_rate: '0/4',
      redo_rate: '1/4', // T3
    });
    expect(row.metrics.satisfaction_rate.value).toBe(0.75);
    expect(row.metrics.redo_rate.value).toBe(0.25);
    expect(row.metrics.direct_answer_rate).toMatchObject({ value: null, numerator: 0, denominator: 0 });
    expect(row.metrics.satisfaction_rate.definition).toContain('基本满意');
  });

  it('the approved appeal (免考) is what keeps T4 out: with it counted, every figure of street A moves', async () => {
    const row = await unitRow(w.units.streetA.id, { includeAppealed: true });
    expect(
      fractions(row, [
        'timely_sign_rate',
        'response_rate',
        'completion_rate',
        'on_time_completion_rate',
        'solved_rate',
        'satisfaction_rate',
        'valid_callback_rate',
        'redo_rate',
      ]),
    ).toEqual({
      timely_sign_rate: '4/5',
      response_rate: '4/5',
      completion_rate: '5/5',
      on_time_completion_rate: '4/5',
      solved_rate: '2/5',
      satisfaction_rate: '3/5',
      valid_callback_rate: '5/8',
      redo_rate: '1/5',
    });
  });

  it('基本满意 and 部分解决 follow the settings, for past figures too', async () => {
    const strict = { ...DEFAULT_METRIC_SETTINGS, satisfiedIncludesBasic: false, solvedIncludesPartly: true };
    const row = await unitRow(w.units.streetA.id, {}, strict);
    expect(fractions(row, ['satisfaction_rate', 'solved_rate'])).toEqual({ satisfaction_rate: '2/4', solved_rate: '3/4' });
    expect(row.metrics.satisfaction_rate.definition).toContain('基本满意不计入');
    expect(row.metrics.solved_rate.definition).toContain('部分解决');

    // Stored by an admin, the choice is what every reader gets.
    await updateMetricSettings(deps, w.admin.actor, { satisfiedIncludesBasic: false });
    const stored = await loadMetricSettings(deps.db);
    expect(stored).toMatchObject({ satisfiedIncludesBasic: false, solvedIncludesPartly: false });
    expect((await unitRow(w.units.streetA.id, {}, stored)).metrics.satisfaction_rate.value).toBe(0.5);
    await updateMetricSettings(deps, w.admin.actor, { satisfiedIncludesBasic: true });
  });

  it('the district reads its subtree: the same figures as its only busy street', async () => {
    const street = await unitRow(w.units.streetA.id);
    const district = await unitRow(w.units.districtA.id);
    expect(district.counters).toEqual(street.counters);
    expect(district.group).toMatchObject({ type: 'unit', id: w.units.districtA.id, kind: 'district' });
  });
});

describe('other units and the centre', () => {
  it('street B: signed in time, then returned (回退率 100 %, nothing left due for 办结率)', async () => {
    const row = await unitRow(w.units.streetB.id);
    expect(fractions(row, ['timely_sign_rate', 'response_rate', 'reply_rate', 'return_rate', 'completion_rate'])).toEqual({
      timely_sign_rate: '1/1',
      response_rate: '0/1',
      reply_rate: '0/1',
      return_rate: '1/1',
      completion_rate: '0/0',
    });
    expect(row.metrics.completion_rate.value).toBeNull();
  });

  it('the assisting department: signed late, replied; 响应率 counts lead units only unless configured', async () => {
    const row = await unitRow(w.units.department.id);
    expect(fractions(row, ['timely_sign_rate', 'reply_rate', 'response_rate'])).toEqual({ timely_sign_rate: '0/1', reply_rate: '1/1', response_rate: '0/0' });
    const all = await unitRow(w.units.department.id, {}, { ...DEFAULT_METRIC_SETTINGS, responseLeadOnly: false });
    expect(fractions(all, ['response_rate'])).toEqual({ response_rate: '0/1' });
  });

  it('intake: 直接答复率 and 重复来电率 belong to the centre (unit 0)', async () => {
    const intake = await unitRow(0);
    expect(intake.group).toMatchObject({ id: 0, name: '热线中心' });
    // contacts: T1–T6 and T8 logged as tickets, T7 linked to T1 = 8; T8 not accepted
    expect(fractions(intake, ['direct_answer_rate', 'repeat_contact_rate'])).toEqual({ direct_answer_rate: '1/7', repeat_contact_rate: '1/8' });
  });

  it('centre totals sum every unit and the intake', async () => {
    const [total] = await rowsFor(w.supervisor.actor);
    expect(total!.group).toBeNull();
    expect(fractions(total!, ['timely_sign_rate', 'reply_rate', 'return_rate', 'direct_answer_rate'])).toEqual({
      timely_sign_rate: '4/6', // A 3/4, B 1/1, department 0/1
      reply_rate: '5/6',
      return_rate: '1/5',
      direct_answer_rate: '1/7',
    });
  });

  it('a unit user reads only its subtree: no intake, no other street', async () => {
    const [own] = await rowsFor(w.handlerA.actor);
    const street = await unitRow(w.units.streetA.id);
    expect(own!.counters).toEqual(street.counters);
    const byUnit = await rowsFor(w.handlerDistrictA.actor, { groupBy: 'unit' });
    expect(byUnit.map((r) => r.group!.id).sort()).toEqual([w.units.districtA.id, w.units.streetA.id].sort());
  });

  it('by level, channel and category', async () => {
    const levels = await rowsFor(w.supervisor.actor, { groupBy: 'level' });
    const street = levels.find((r) => r.group!.id === 'street')!;
    expect(fractions(street, ['timely_sign_rate'])).toEqual({ timely_sign_rate: '4/5' }); // A 3/4 + B 1/1
    expect(levels.find((r) => r.group!.id === 'department')!.counters.dispatched).toBe(1);
    const channels = await rowsFor(w.supervisor.actor, { groupBy: 'channel' });
    expect(channels.map((r) => r.group!.id)).toEqual(['phone']);
    const cats = await rowsFor(w.supervisor.actor, { groupBy: 'category', categoryId: w.parentCategory.id });
    expect(cats.map((r) => r.group!.id)).toEqual([w.category.id]);
  });
});

describe('red and black lists', () => {
  it('rank streets by 30/35/35 of 响应率, 解决率, 满意率; a street with nothing to rate is unranked', async () => {
    const r = await rankings(
      deps.db,
      w.supervisor.actor,
      { level: 'street', period: 'month', from: '2026-03', includeAppealed: false },
      DEFAULT_METRIC_SETTINGS,
      'zh-CN',
    );
    const a = r.ranked.find((x) => x.unit.id === w.units.streetA.id)!;
    // (30 × 0.75 + 35 × 0.5 + 35 × 0.75) ÷ 100 = 0.6625
    expect(a.composite).toBe(66.25);
    expect(r.unranked.map((u) => u.unit.id)).toContain(w.units.streetB.id); // no callbacks: 解决率 and 满意率 have nothing due
    expect(r.red.length + r.black.length).toBeLessThanOrEqual(r.ranked.length);
  });
});

describe('Asia/Shanghai buckets', () => {
  it('an event at 2026-03-31T17:00Z is counted on April 1st; weeks are ISO weeks', async () => {
    const cat = await makeCategoryLeaf(deps.db, '边界分类');
    const kb = await makeKbArticle(deps.db, '边界', '边界测试');
    const direct = { categoryId: cat.leaf.id, type: 'consult', disposition: { kind: 'direct_answer', kbArticleId: kb.id, answer: '已直接答复诉求人。' } };
    deps.clock.set('2026-03-31T15:59:59.999Z'); // 23:59:59 on March 31st in Shanghai
    await d.create(direct);
    deps.clock.set('2026-03-31T17:00:00.000Z'); // 01:00 on April 1st in Shanghai
    await d.create(direct);
    await rollup(deps, deps.clock.now());
    const days = await rowsFor(w.supervisor.actor, { period: 'day', from: '2026-03-31', to: '2026-04-01', categoryId: cat.leaf.id });
    expect(days.map((r) => [r.bucket, r.counters.contacts, r.counters.directAnswers])).toEqual([
      ['2026-03-31', 1, 1],
      ['2026-04-01', 1, 1],
    ]);
    const months = await rowsFor(w.supervisor.actor, { period: 'month', from: '2026-03', to: '2026-04', categoryId: cat.leaf.id });
    expect(months.map((r) => [r.bucket, r.counters.contacts])).toEqual([
      ['2026-03', 1],
      ['2026-04', 1],
    ]);
    const weeks = await rowsFor(w.supervisor.actor, { period: 'week', from: '2026-03-31', categoryId: cat.leaf.id });
    expect(weeks.map((r) => [r.bucket, r.start, r.end, r.counters.contacts])).toEqual([['2026-W14', '2026-03-30', '2026-04-05', 2]]);
  });
});
