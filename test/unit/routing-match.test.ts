import { describe, expect, it } from 'vitest';
import { autoDispatchChoice, matchRule, scoreOf, suggest, type RuleRow, type RoutingTicket, type UnitInfo } from '../../src/domain/routing/match.ts';

// A tiny city as plain rows: centre 1 → district 2 (streets 3, 4; department 5) and district 6 (street 7); city department 8.
const U = (id: number, kind: UnitInfo['kind'], path: string, active = true): UnitInfo => ({ id, name: `u${id}`, kind, path, active });
const UNITS = new Map<number, UnitInfo>(
  [
    U(1, 'centre', '/1/'),
    U(2, 'district', '/1/2/'),
    U(3, 'street', '/1/2/3/'),
    U(4, 'street', '/1/2/4/'),
    U(5, 'department', '/1/2/5/'),
    U(6, 'district', '/1/6/'),
    U(7, 'street', '/1/6/7/'),
    U(8, 'department', '/1/8/'),
    U(9, 'department', '/1/9/', false),
  ].map((u) => [u.id, u]),
);
// Categories: 10 (level 1) → 11 (level 2) → 12 (leaf, level 3).
const CHAIN = [
  { id: 10, level: 1 },
  { id: 11, level: 2 },
  { id: 12, level: 3 },
];

let nextId = 1;
const rule = (over: Partial<RuleRow> = {}): RuleRow => ({
  id: nextId++,
  name: 'r',
  categoryId: null,
  districtUnitId: null,
  streetUnitId: null,
  keyword: null,
  leadMode: 'unit',
  leadUnitId: 8,
  assistUnitIds: [],
  copyDistrict: false,
  priority: 0,
  active: true,
  ...over,
});
const ticket = (over: Partial<RoutingTicket> = {}): RoutingTicket => ({
  categories: CHAIN,
  streetUnitId: 3,
  districtUnitId: 2,
  title: '小区路灯不亮',
  content: '幸福里小区门口的路灯已经坏了一周，晚上很黑',
  ...over,
});
const run = (rules: RuleRow[], t = ticket(), returned: number[] = []) => suggest({ ticket: t, rules, units: UNITS, returnedUnitIds: new Set(returned) });

describe('matchRule', () => {
  it.each([
    ['any category, any place', {}, true],
    ['the leaf itself', { categoryId: 12 }, true],
    ['an ancestor category', { categoryId: 10 }, true],
    ['another category', { categoryId: 99 }, false],
    ["the ticket's district", { districtUnitId: 2 }, true],
    ['another district', { districtUnitId: 6 }, false],
    ["the ticket's street", { streetUnitId: 3 }, true],
    ['another street', { streetUnitId: 4 }, false],
    ['a keyword in the title', { keyword: '路灯' }, true],
    ['a keyword in the content', { keyword: '幸福里' }, true],
    ['a keyword found in neither', { keyword: '噪音' }, false],
    ['an inactive rule', { active: false }, false],
  ] as [string, Partial<RuleRow>, boolean][])('%s → %s', (_name, over, matches) => {
    expect(matchRule(rule(over), ticket()) !== null).toBe(matches);
  });

  it('a rule with a district or street never matches a ticket whose place is unknown', () => {
    const t = ticket({ streetUnitId: null, districtUnitId: null });
    expect(matchRule(rule({ districtUnitId: 2 }), t)).toBeNull();
    expect(matchRule(rule({ streetUnitId: 3 }), t)).toBeNull();
  });

  it('keywords match regardless of Latin case', () => {
    expect(matchRule(rule({ keyword: 'LED' }), ticket({ title: '新装的led路灯太亮' }))).not.toBeNull();
  });

  it('specificity orders street > district > category depth > keyword', () => {
    const spec = (over: Partial<RuleRow>) => matchRule(rule(over), ticket())!.specificity;
    const street = spec({ streetUnitId: 3 });
    const district = spec({ districtUnitId: 2, categoryId: 12, keyword: '路灯' });
    const leaf = spec({ categoryId: 12, keyword: '路灯' });
    const mid = spec({ categoryId: 11, keyword: '路灯' });
    const top = spec({ categoryId: 11 });
    const keyword = spec({ keyword: '路灯' });
    expect(street).toBeGreaterThan(district);
    expect(district).toBeGreaterThan(leaf);
    expect(leaf).toBeGreaterThan(mid);
    expect(mid).toBeGreaterThan(top);
    expect(top).toBeGreaterThan(keyword);
    expect(keyword).toBeGreaterThan(spec({}));
  });

  it('priority never outranks specificity', () => {
    expect(scoreOf(1, -999)).toBeGreaterThan(scoreOf(0, 999));
    expect(scoreOf(3, 5)).toBeGreaterThan(scoreOf(3, 4));
  });
});

describe('suggest', () => {
  it('ranks the more specific rule first, and priority breaks ties', () => {
    const general = rule({ categoryId: 10, leadUnitId: 5 });
    const leaf = rule({ categoryId: 12, leadUnitId: 8 });
    const streetRule = rule({ streetUnitId: 3, categoryId: 10, leadUnitId: 4 });
    const { candidates } = run([general, leaf, streetRule]);
    expect(candidates.map((c) => c.rule!.id)).toEqual([streetRule.id, leaf.id, general.id]);
    expect(candidates[0]!.reasons).toEqual(['category_match', 'street_match', 'lead_unit']);

    const low = rule({ categoryId: 12, leadUnitId: 5, priority: 1 });
    const high = rule({ categoryId: 12, leadUnitId: 8, priority: 7 });
    expect(run([low, high]).candidates.map((c) => c.rule!.id)).toEqual([high.id, low.id]);
  });

  it('a district rule outranks a deeper category rule; a keyword rule outranks the same rule without it', () => {
    const deep = rule({ categoryId: 12, leadUnitId: 8 });
    const district = rule({ districtUnitId: 2, leadUnitId: 5 });
    expect(run([deep, district]).candidates[0]!.rule!.id).toBe(district.id);
    const plain = rule({ categoryId: 12, leadUnitId: 8 });
    const kw = rule({ categoryId: 12, keyword: '路灯', leadUnitId: 5 });
    expect(run([plain, kw]).candidates.map((c) => c.rule!.id)).toEqual([kw.id, plain.id]);
  });

  it("street mode names the ticket's street and, with copyDistrict, copies its district (Beijing)", () => {
    const r = rule({ categoryId: 10, leadMode: 'street', leadUnitId: null, copyDistrict: true, assistUnitIds: [5] });
    const [c] = run([r]).candidates;
    expect(c).toMatchObject({ leadUnitId: 3, assistUnitIds: [5], copyUnitIds: [2], fallback: false });
    expect(c!.reasons).toEqual(['category_match', 'lead_street', 'copy_district']);
  });

  it('the copied district comes from the street, even when the ticket has no district recorded', () => {
    const r = rule({ leadMode: 'street', leadUnitId: null, copyDistrict: true });
    expect(run([r], ticket({ streetUnitId: 7, districtUnitId: null })).candidates[0]).toMatchObject({ leadUnitId: 7, copyUnitIds: [6] });
  });

  it("district mode names the ticket's district", () => {
    const r = rule({ leadMode: 'district', leadUnitId: null });
    expect(run([r]).candidates[0]).toMatchObject({ leadUnitId: 2, copyUnitIds: [], reasons: ['lead_district'] });
  });

  it('street mode without a known street falls back to the district as unit_unclear, never auto-dispatched', () => {
    const r = rule({ leadMode: 'street', leadUnitId: null, copyDistrict: true });
    const { candidates } = run([r], ticket({ streetUnitId: null }));
    expect(candidates[0]).toMatchObject({ leadUnitId: 2, copyUnitIds: [], fallback: true, reasons: ['street_unknown', 'unit_unclear'] });
    expect(autoDispatchChoice(candidates)).toBeNull();
  });

  it('a rule whose place is unknown is listed as excluded', () => {
    const r = rule({ leadMode: 'district', leadUnitId: null });
    const out = run([r], ticket({ streetUnitId: null, districtUnitId: null }));
    expect(out.candidates).toEqual([]);
    expect(out.excluded).toEqual([{ rule: { id: r.id, name: 'r' }, unitId: null, reason: 'place_unknown' }]);
  });

  it('units that returned the ticket are never suggested as lead', () => {
    const a = rule({ categoryId: 12, leadUnitId: 8 });
    const b = rule({ categoryId: 10, leadUnitId: 5 });
    const out = run([a, b], ticket(), [8]);
    expect(out.candidates.map((c) => c.leadUnitId)).toEqual([5]);
    expect(out.excluded).toEqual([{ rule: { id: a.id, name: 'r' }, unitId: 8, reason: 'returned' }]);
  });

  it('inactive units are neither lead nor assisting', () => {
    const a = rule({ leadUnitId: 9 });
    const b = rule({ leadUnitId: 8, assistUnitIds: [9, 5] });
    const out = run([a, b]);
    expect(out.candidates).toHaveLength(1);
    expect(out.candidates[0]).toMatchObject({ leadUnitId: 8, assistUnitIds: [5] });
    expect(out.excluded[0]).toMatchObject({ unitId: 9, reason: 'unit_inactive' });
  });

  it('one candidate per lead unit: the best rule for it', () => {
    const a = rule({ categoryId: 10, leadUnitId: 8 });
    const b = rule({ categoryId: 12, leadUnitId: 8, assistUnitIds: [5] });
    const { candidates } = run([a, b]);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]!.rule!.id).toBe(b.id);
  });

  it('the lead is never also an assisting unit or copied', () => {
    const r = rule({ leadMode: 'street', leadUnitId: null, assistUnitIds: [3, 5], copyDistrict: true });
    expect(run([r]).candidates[0]).toMatchObject({ leadUnitId: 3, assistUnitIds: [5], copyUnitIds: [2] });
  });

  it('no rule, street known → the street with its district copied (Beijing default)', () => {
    const { candidates } = run([rule({ categoryId: 99 })]);
    expect(candidates).toEqual([
      { leadUnitId: 3, assistUnitIds: [], copyUnitIds: [2], rule: null, score: 0, reasons: ['no_rule', 'street_default', 'copy_district'], fallback: true },
    ]);
    expect(autoDispatchChoice(candidates)).toBeNull();
  });

  it('no rule, street unknown → the district, unit_unclear', () => {
    const { candidates } = run([], ticket({ streetUnitId: null }));
    expect(candidates).toEqual([
      { leadUnitId: 2, assistUnitIds: [], copyUnitIds: [], rule: null, score: 0, reasons: ['no_rule', 'unit_unclear'], fallback: true },
    ]);
  });

  it('no rule and the street returned it → the district, unit_unclear; the district returned too → nothing', () => {
    expect(run([], ticket(), [3]).candidates[0]).toMatchObject({ leadUnitId: 2, reasons: ['no_rule', 'unit_unclear'] });
    const out = run([], ticket(), [3, 2]);
    expect(out.candidates).toEqual([]);
    expect(out.excluded.map((e) => [e.unitId, e.reason])).toEqual([
      [3, 'returned'],
      [2, 'returned'],
    ]);
  });

  it('every rule excluded → the default applies', () => {
    const r = rule({ leadUnitId: 8 });
    expect(run([r], ticket(), [8]).candidates[0]).toMatchObject({ leadUnitId: 3, rule: null });
  });

  it('nothing known → no suggestion', () => {
    expect(run([], ticket({ streetUnitId: null, districtUnitId: null })).candidates).toEqual([]);
  });
});

describe('autoDispatchChoice', () => {
  it('takes a rule strictly ahead of the next', () => {
    const { candidates } = run([rule({ categoryId: 12, leadUnitId: 8 }), rule({ categoryId: 10, leadUnitId: 5 })]);
    expect(autoDispatchChoice(candidates)?.leadUnitId).toBe(8);
  });
  it('refuses a tie at the top', () => {
    const { candidates } = run([rule({ categoryId: 12, leadUnitId: 8 }), rule({ categoryId: 12, leadUnitId: 5 })]);
    expect(candidates).toHaveLength(2);
    expect(autoDispatchChoice(candidates)).toBeNull();
  });
  it('refuses when nothing matched', () => {
    expect(autoDispatchChoice([])).toBeNull();
  });
});
