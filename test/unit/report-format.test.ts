import { describe, expect, it } from 'vitest';
import { scrubPersonal } from '../../src/domain/reports/cases.ts';
import { change } from '../../src/domain/reports/contents.ts';
import { changeText, pct, pointsText, shanghaiTime } from '../../src/domain/reports/format.ts';
import { monthSpan, monthTitle, previousMonth } from '../../src/domain/reports/months.ts';

describe('report months (Asia/Shanghai)', () => {
  it('a month runs from 00:00 on the 1st to 00:00 on the next 1st, Shanghai time', () => {
    expect(monthSpan('2026-03')).toEqual({
      month: '2026-03',
      start: '2026-03-01',
      end: '2026-03-31',
      from: new Date('2026-02-28T16:00:00.000Z'),
      to: new Date('2026-03-31T16:00:00.000Z'),
    });
    expect(monthSpan('2028-02').end).toBe('2028-02-29');
    expect(() => monthSpan('2026-13')).toThrow();
  });
  it('the month before, across a year', () => {
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-10')).toBe('2026-09');
    expect(monthTitle('2026-03')).toBe('2026年3月');
  });
});

describe('changes', () => {
  it('absolute and relative, none relative from zero', () => {
    expect(change(10, 6)).toEqual({ current: 10, previous: 6, change: 4, changeRate: 0.6667 });
    expect(change(1, 0)).toEqual({ current: 1, previous: 0, change: 1, changeRate: null });
    expect(changeText(change(10, 6))).toBe('+4（+66.7%）');
    expect(changeText(change(3, 4))).toBe('-1（-25.0%）');
    expect(changeText(change(1, 0))).toBe('+1（上月为 0）');
    expect(changeText(change(2, 2))).toBe('持平');
  });
  it('rates as percentages and their change in points', () => {
    expect(pct(0.666667)).toBe('66.7%');
    expect(pct(null)).toBe('—');
    expect(pointsText(1.25)).toBe('+1.3 个百分点');
    expect(pointsText(-3)).toBe('-3.0 个百分点');
    expect(pointsText(null)).toBe('—');
    expect(shanghaiTime('2026-03-31T18:00:00.000Z')).toBe('2026-04-01 02:00');
  });
});

describe('scrubPersonal', () => {
  it.each([
    ['张女士反映垃圾未清运，电话13912345678', '某女士反映垃圾未清运，电话****'],
    ['王先生的座机 010-8888 6666 打不通', '某先生的座机 **** 打不通'],
    ['身份证号11010519491231002X办不了', '身份证号****办不了'],
    ['3号楼2单元路灯不亮', '3号楼2单元路灯不亮'],
  ])('%s → %s', (input, output) => expect(scrubPersonal(input)).toBe(output));
  it('cuts long text', () => expect(scrubPersonal('很'.repeat(80))).toBe(`${'很'.repeat(60)}…`));
});
