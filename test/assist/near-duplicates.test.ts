/**
 * Near-duplicates across callers: the matcher on the labelled set (floors the old rule fails), and intake's duplicate
 * hints (GET /api/intake/duplicates with the demand's text) on a real database: another caller's same matter is
 * hinted as similar_demand with its shared words; another matter in the same compound, the same matter in another
 * street and the same matter weeks ago are not.
 */
import { describe, expect, it } from 'vitest';
import { NEAR_THRESHOLD, NEAR_WINDOW_DAYS, matchNearDuplicates, nearPlace } from '../../src/domain/assist/near-duplicates.ts';
import { evaluateMatcher, evaluateOldRule, labelledCitySegmenter, matcherPairs } from '../../bench/eval/near-duplicates.ts';
import { api, deps, w } from '../http/api-world.ts';
import { DAY, newTicket, useIntakeWorld } from '../http/intake-fixtures.ts';
import { NEAR_DUPLICATE_SET } from './fixtures/near-duplicates.ts';

useIntakeWorld();

describe('the matcher on the labelled set', () => {
  it('finds most repeats across callers, where the old rule (same category, near address) finds few', () => {
    const now = evaluateMatcher(NEAR_DUPLICATE_SET);
    const old = evaluateOldRule(NEAR_DUPLICATE_SET);
    expect(now.recall).toBeGreaterThanOrEqual(0.6);
    expect(now.precision).toBeGreaterThanOrEqual(0.5);
    expect(now.f1).toBeGreaterThanOrEqual(0.55);
    expect(old.recall).toBeLessThan(0.6);
    expect(old.f1).toBeLessThan(0.5);
  });

  it('never pairs the same matter kilometres away or weeks apart', () => {
    const found = [...matcherPairs(NEAR_DUPLICATE_SET)].map((p) => p.split('|'));
    const lookAlikes: [string, string][] = [
      ['light-jianshe-east', 'light-jianshe-'],
      ['light-binjiang', 'light-jianshe-'],
      ['burst-far', 'burst-'],
      ['water-cut-again', 'water-cut-'],
      ['heating-again', 'heating-'],
    ];
    for (const [k, like] of lookAlikes) {
      expect(found.filter((p) => p.includes(k) && p.some((x) => x !== k && x.startsWith(like)))).toEqual([]);
    }
  });

  it('says which words it shares, the most telling first, and is near only within NEAR_METRES or the same street', () => {
    const at = new Date('2026-03-02T10:00:00Z');
    const q = { content: '翠湖苑3栋停水了，水龙头一滴水都没有', address: '翠湖苑3栋', street: 's1', at };
    const c = { content: '翠湖苑小区从早上开始就停水了，也没有提前通知', address: '翠湖苑', street: 's1', at: new Date(at.getTime() - 3600_000) };
    const [m] = matchNearDuplicates(labelledCitySegmenter(), q, [c]);
    expect(m?.match.score).toBeGreaterThanOrEqual(NEAR_THRESHOLD);
    expect(m?.match.words).toContain('停水');
    expect(m?.match.place).toBe('same_street');
    expect(nearPlace({ ...q, street: 's2' }, c)).toBeNull();
    expect(nearPlace({ ...q, lat: 39.9, lng: 116.4 }, { ...c, lat: 39.903, lng: 116.4 })?.place).toBe('nearby'); // ~330 m
    expect(nearPlace({ ...q, lat: 39.9, lng: 116.4 }, { ...c, lat: 39.91, lng: 116.4 })).toBeNull(); // ~1.1 km
    const old = { ...c, at: new Date(at.getTime() - (NEAR_WINDOW_DAYS + 1) * DAY) };
    expect(matchNearDuplicates(labelledCitySegmenter(), q, [old])).toEqual([]);
  });
});

type Hint = { ticket: { id: number; status: string }; reasons: string[]; score: number; similar?: { score: number; words: string[] } };

async function hints(params: Record<string, string>): Promise<Hint[]> {
  const r = await api.call('GET', `/api/intake/duplicates?${new URLSearchParams(params)}`, { token: w.operator.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items;
}
const hintFor = (items: Hint[], id: number) => items.find((h) => h.ticket.id === id);

/** Other matters of the same compound the same week. */
const STREET_WEEK = [
  '阳光花园小区电梯经常坏，每天晚上都有人被困，物业不管。',
  '阳光花园小区门口的垃圾桶满了没人清运，味道特别大。',
  '阳光花园小区地下车库漏水，车都泡了，物业一直拖着不修。',
  '阳光花园小区物业费涨价没有开业主大会，要求说明情况。',
  '阳光花园小区楼道里堆满杂物，有消防隐患，每天晚上黑乎乎的。',
  '阳光花园小区有人在绿地上种菜，破坏公共绿化。',
  '阳光花园小区门口的公交站牌被撞坏了，一直没人修。',
  '阳光花园小区的路灯晚上不亮，老人孩子出门不安全。',
];

describe('duplicate hints at intake: similar_demand', () => {
  it("hints another caller's same matter with the shared words, not the hard negatives", async () => {
    const weeksAgo = await newTicket({
      content: '阳光花园小区旁边的工地晚上施工到凌晨，打桩机声音太大了，睡不着觉。',
      address: '甲区甲街道阳光花园6号楼',
      caller: { phone: '13900000301' },
    });
    deps.clock.advance(10 * DAY);
    const same = await newTicket({
      content: '阳光花园小区旁边的工地每天晚上施工到凌晨两三点，打桩机声音特别大，根本睡不着觉。',
      address: '甲区甲街道阳光花园6号楼',
      caller: { phone: '13900000302' },
    });
    const dance = await newTicket({
      content: '阳光花园小区广场每天晚上跳广场舞，音响开得特别大，一直到九点多，吵得没法休息。',
      address: '甲区甲街道阳光花园小区中心广场',
      caller: { phone: '13900000303' },
    });
    const elsewhere = await newTicket({
      content: '光明小区旁边的工地每天晚上施工到凌晨，打桩机声音特别大，根本睡不着觉。',
      address: '乙区乙街道光明小区',
      caller: { phone: '13900000304' },
    });
    const lights = await newTicket({
      content: '幸福里小区门口的路灯坏了一个星期了，晚上黑漆漆的。',
      address: '甲区甲街道幸福里',
      caller: { phone: '13900000305' },
    });
    // The rest of the street's week (a street has hundreds): what every ticket there says weighs little
    for (const [i, content] of STREET_WEEK.entries()) {
      await newTicket({ content, address: `甲区甲街道阳光花园${i + 1}号楼`, caller: { phone: `139000004${String(i).padStart(2, '0')}` } });
    }
    deps.clock.advance(5 * 3600_000);

    // A new caller, no number typed yet: the demand's text and address are enough
    const items = await hints({
      content: '我住阳光花园，隔壁那个建筑工地半夜还在施工，咣咣响，孩子明天要考试，打桩机吵得睡不着。',
      address: '甲区甲街道阳光花园小区',
    });
    const hit = hintFor(items, same.id);
    expect(hit?.reasons).toEqual(['similar_demand']);
    expect(hit?.similar?.score).toBeGreaterThanOrEqual(NEAR_THRESHOLD);
    expect(hit?.similar?.words).toEqual(expect.arrayContaining(['施工', '打桩机']));
    for (const t of [weeksAgo, dance, elsewhere, lights]) expect(hintFor(items, t.id), `ticket ${t.id}`).toBeUndefined();
  });

  it('keeps the other reasons beside it, and hints nothing from the text alone without a place', async () => {
    const t = await newTicket({
      content: '翠湖苑小区从早上开始就停水了，也没有提前通知，家里老人孩子没水用。',
      address: '甲区甲街道翠湖苑3栋',
      caller: { phone: '13900000311' },
    });
    deps.clock.advance(3600_000);
    const content = '翠湖苑3栋停水了，水龙头一滴水都没有，什么时候能来水？';
    const both = await hints({ content, address: '甲区甲街道翠湖苑3栋', categoryId: String(t.categoryId) });
    expect(hintFor(both, t.id)?.reasons).toEqual(['same_category_similar_address', 'similar_demand']);
    const phone = await hints({ content, address: '甲区甲街道翠湖苑', phone: '13900000311' });
    expect(hintFor(phone, t.id)?.reasons).toEqual(['same_phone', 'similar_demand']);
    expect(hintFor(await hints({ content }), t.id)).toBeUndefined();
  });
});
