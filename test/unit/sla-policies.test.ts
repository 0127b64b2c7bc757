import { describe, expect, it } from 'vitest';
import { pickPolicy, termsOf, type PolicyKey, type TicketKey } from '../../src/domain/sla/matching.ts';
import { PRESETS, UTILITY_KEYWORDS, findPreset, resolveCategories, type CategoryNode } from '../../src/domain/sla/presets.ts';
import { policyInput, policyTerms } from '../../src/domain/sla/inputs.ts';
import type { Channel, Urgency } from '../../src/domain/vocab.ts';

// Category tree: 1 公用事业 → 2 供水 → 3 停水; 4 城市管理 → 5 市政设施 → 6 路灯故障
const TREE: CategoryNode[] = [
  { id: 1, name: '公用事业', parentId: null },
  { id: 2, name: '供水', parentId: 1 },
  { id: 3, name: '停水', parentId: 2 },
  { id: 7, name: '水质问题', parentId: 2 },
  { id: 8, name: '供暖', parentId: 1 },
  { id: 9, name: '供暖不热', parentId: 8 },
  { id: 4, name: '城市管理', parentId: null },
  { id: 5, name: '市政设施', parentId: 4 },
  { id: 6, name: '路灯故障', parentId: 5 },
];
const pathOf = (leaf: number): number[] => {
  const out: number[] = [];
  for (let c: CategoryNode | undefined = TREE.find((x) => x.id === leaf); c; c = TREE.find((x) => x.id === c!.parentId)) out.unshift(c.id);
  return out;
};

let nextId = 1;
const p = (
  categoryId: number | null,
  urgency: Urgency | null = null,
  channel: Channel | null = null,
  extra: Partial<PolicyKey> = {},
): PolicyKey & { label: string } => ({
  id: nextId++,
  categoryId,
  urgency,
  channel,
  active: true,
  label: `${categoryId ?? '*'}/${urgency ?? '*'}/${channel ?? '*'}`,
  ...extra,
});

describe('pickPolicy: the most specific active policy wins', () => {
  const fallback = p(null);
  const utilities = p(1);
  const water = p(2);
  const waterOut = p(3);
  const emergency = p(null, 'emergency');
  const waterEmergency = p(2, 'emergency');
  const waterEmergencyPhone = p(2, 'emergency', 'phone');
  const onlineOnly = p(null, null, 'online');
  const all = [fallback, utilities, water, waterOut, emergency, waterEmergency, waterEmergencyPhone, onlineOnly];
  const t = (leaf: number, urgency: Urgency = 'normal', channel: Channel = 'phone'): TicketKey => ({ categoryPath: pathOf(leaf), urgency, channel });

  it.each([
    ['the leaf itself', t(3), waterOut],
    ['a parent when the leaf has none', t(7), water],
    ['the grandparent when nothing nearer', t(9), utilities],
    ['the fallback outside every named category', t(6), fallback],
    ['urgency after category: a category policy beats an urgency-only one', t(3, 'emergency'), waterOut],
    ['category + urgency beats category alone', t(7, 'emergency', 'window'), waterEmergency],
    ['channel last: category + urgency + channel', t(7, 'emergency', 'phone'), waterEmergencyPhone],
    ['urgency-only beats the fallback', t(6, 'emergency'), emergency],
    ['urgency beats channel at the same category depth', t(6, 'emergency', 'online'), emergency],
    ['channel-only beats the fallback', t(6, 'normal', 'online'), onlineOnly],
  ])('%s', (_name, ticket, expected) => {
    expect(pickPolicy(all, ticket)?.label).toBe(expected.label);
  });

  it('ignores inactive policies and policies for other urgencies or channels', () => {
    const inactive = p(3, null, null, { active: false });
    const other = p(3, 'urgent');
    const otherChannel = p(3, null, 'window');
    expect(pickPolicy([fallback, inactive, other, otherChannel], t(3))).toBe(fallback);
  });

  it('returns null when nothing fits (no fallback)', () => {
    expect(pickPolicy([water, emergency], t(6))).toBeNull();
  });

  it('between two equally specific policies, the older one (lower id) wins whatever the order', () => {
    const a = p(2);
    const b = p(2);
    expect(pickPolicy([a, b], t(3))).toBe(a);
    expect(pickPolicy([b, a], t(3))).toBe(a);
  });
});

describe('termsOf', () => {
  const row = {
    signLimit: 15,
    signUnit: 'natural_minutes' as const,
    responseLimit: 1,
    responseUnit: 'working_days' as const,
    completeLimit: 5,
    completeUnit: 'working_days' as const,
    thresholds: { yellow: 0.5, red: 0.8 },
    reopenRestartsClock: false,
  };
  it('maps the columns and keeps the thresholds', () => {
    expect(termsOf({ ...row, counting: { startNextWorkingDay: false } })).toEqual({
      sign: { amount: 15, unit: 'natural_minutes' },
      response: { amount: 1, unit: 'working_days' },
      complete: { amount: 5, unit: 'working_days' },
      counting: { startNextWorkingDay: false },
      thresholds: { yellow: 0.5, red: 0.8 },
      reopenRestartsClock: false,
    });
  });
  it.each([
    [{}, true],
    [{ inclusive: true }, false],
    [{ inclusive: false }, true],
    [{ startNextWorkingDay: true, inclusive: true }, true],
  ])('counting %j → startNextWorkingDay %s (次日起 unless 含本数)', (counting, expected) => {
    expect(termsOf({ ...row, counting }).counting.startNextWorkingDay).toBe(expected);
  });
});

describe('policy input', () => {
  const base = {
    name: '一般',
    sign: { amount: 1, unit: 'working_days' },
    response: { amount: 24, unit: 'natural_hours' },
    complete: { amount: 5, unit: 'working_days' },
  };
  it('defaults: 次日起, yellow 75 % / red 90 %, reopen restarts the clock, no category/urgency/channel', () => {
    expect(policyInput.parse(base)).toMatchObject({
      counting: { startNextWorkingDay: true },
      thresholds: { yellow: 0.75, red: 0.9 },
      reopenRestartsClock: true,
      categoryId: null,
      urgency: null,
      channel: null,
    });
  });
  it.each([
    ['red before yellow', { thresholds: { yellow: 0.9, red: 0.75 } }],
    ['a threshold of 100 % (overdue is the deadline itself)', { thresholds: { yellow: 0.75, red: 1 } }],
    ['a zero limit', { sign: { amount: 0, unit: 'natural_minutes' } }],
    ['an unknown unit', { sign: { amount: 1, unit: 'fortnights' } }],
    ['a fractional amount', { complete: { amount: 1.5, unit: 'working_days' } }],
    ['more than a year of working days', { complete: { amount: 400, unit: 'working_days' } }],
    ['an unknown urgency', { urgency: 'whenever' }],
    ['an unknown field', { priority: 1 }],
  ])('refuses %s', (_n, over) => {
    expect(policyInput.safeParse({ ...base, ...over }).success).toBe(false);
  });
});

describe('presets', () => {
  it('ships tianjin, beijing-draft and shandong', () => {
    expect(PRESETS.map((x) => x.name)).toEqual(['tianjin', 'beijing-draft', 'shandong']);
    expect(findPreset('nowhere')).toBeUndefined();
  });

  it.each(PRESETS.flatMap((preset) => preset.rules.map((r) => [preset.name, r.name, r] as const)))('%s / %s passes the policy schema', (_p, _n, rule) => {
    expect(policyTerms.safeParse(rule).success).toBe(true);
  });

  it.each(PRESETS.map((x) => [x.name, x] as const))('%s has exactly one fallback rule (no category, urgency or channel)', (_n, preset) => {
    expect(preset.rules.filter((r) => !r.categories && !r.urgency && !r.channel)).toHaveLength(1);
  });

  it.each(PRESETS.map((x) => [x.name, x] as const))('%s: every category rule has an emergency twin with the emergency terms', (_n, preset) => {
    const emergency = preset.rules.find((r) => !r.categories && r.urgency === 'emergency')!;
    for (const r of preset.rules.filter((x) => x.categories && !x.urgency)) {
      const twin = preset.rules.find((x) => x.categories === r.categories && x.urgency === 'emergency');
      expect(twin, r.name).toBeDefined();
      expect({ sign: twin!.sign, response: twin!.response, complete: twin!.complete }).toEqual({
        sign: emergency.sign,
        response: emergency.response,
        complete: emergency.complete,
      });
    }
  });

  it('tianjin: 15 min sign for emergencies, 30 min for water/power/gas/heating, 1 working day otherwise; 5 working days to complete', () => {
    const t = findPreset('tianjin')!;
    const fallback = t.rules.find((r) => !r.categories && !r.urgency)!;
    const emergency = t.rules.find((r) => !r.categories && r.urgency === 'emergency')!;
    const utilities = t.rules.find((r) => r.categories === UTILITY_KEYWORDS && !r.urgency)!;
    expect(fallback).toMatchObject({ sign: { amount: 1, unit: 'working_days' }, complete: { amount: 5, unit: 'working_days' } });
    expect(emergency.sign).toEqual({ amount: 15, unit: 'natural_minutes' });
    expect(utilities.sign).toEqual({ amount: 30, unit: 'natural_minutes' });
  });

  it('beijing-draft: completion 2 h emergency / 24 h utilities / 7 natural days ordinary / 15 days complex', () => {
    const b = findPreset('beijing-draft')!;
    const c = (pred: (r: (typeof b.rules)[number]) => boolean) => b.rules.find(pred)!.complete;
    expect(c((r) => !r.categories && r.urgency === 'emergency')).toEqual({ amount: 2, unit: 'natural_hours' });
    expect(c((r) => r.categories === UTILITY_KEYWORDS && !r.urgency)).toEqual({ amount: 24, unit: 'natural_hours' });
    expect(c((r) => !r.categories && !r.urgency)).toEqual({ amount: 7, unit: 'natural_days' });
    expect(c((r) => r.name === '北京：复杂诉求')).toEqual({ amount: 15, unit: 'natural_days' });
  });

  it('shandong: completion 5 working days', () => {
    expect(findPreset('shandong')!.rules.find((r) => !r.categories && !r.urgency)!.complete).toEqual({ amount: 5, unit: 'working_days' });
  });
});

describe('resolveCategories', () => {
  it('finds utilities by name and keeps only the topmost match of each subtree', () => {
    expect(resolveCategories(TREE, UTILITY_KEYWORDS).map((c) => c.name)).toEqual(['供水', '供暖']);
  });
  it('a keyword that names only a leaf covers that leaf', () => {
    expect(resolveCategories(TREE, ['路灯']).map((c) => c.name)).toEqual(['路灯故障']);
  });
  it('nothing matches → empty', () => {
    expect(resolveCategories(TREE, ['违法建设'])).toEqual([]);
  });
});
