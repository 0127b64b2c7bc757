/**
 * The demo city's dispatch catalogue (派单目录): street aliases, street boundaries in a fictional
 * coordinate area (around lat 30.2, lng 120.1; made-up rectangles, not real places), one or more
 * rules for every level-1 category group, and auto-dispatch on two safe leaf categories.
 * Plain data through the same tables admins edit; called from seedDemo inside its first-run transaction.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { categories, dispatchRules, streetBoundaries, units } from '../../db/schema/index.ts';
import { bboxOf, geometryIssues, type StreetGeometry } from '../domain/routing/geo.ts';

/** Other names a unit goes by in addresses. */
export const DEMO_ALIASES: Record<string, string[]> = {
  'd-dongcheng': ['东城'],
  'd-xihu': ['西湖'],
  'd-nanshan': ['南山'],
  's-donghua': ['东华'],
  's-chaoyangmen': ['朝阳门'],
  's-hepingli': ['和平里'],
  's-qinglong': ['青龙'],
  's-hubin': ['湖滨'],
  's-liulang': ['柳浪'],
  's-baisha': ['白沙'],
  's-nanhu': ['南湖'],
  's-taoyuan': ['桃源'],
  's-yunling': ['云岭'],
};

/** A closed rectangle ring, [lng, lat] counter-clockwise. */
const rect = (lng1: number, lat1: number, lng2: number, lat2: number): number[][] => [
  [lng1, lat1],
  [lng2, lat1],
  [lng2, lat2],
  [lng1, lat2],
  [lng1, lat1],
];
const poly = (...rings: number[][][]): StreetGeometry => ({ type: 'Polygon', coordinates: rings });

/**
 * Three bands of streets that share edges and never overlap:
 * 东城区 lat 30.24–30.26, 西湖区 30.20–30.24, 南山区 30.16–30.20; lng from 120.10 eastwards.
 * 湖滨街道 has a hole (the lake, in no street); 白沙街道 is a MultiPolygon with an island.
 */
export const DEMO_BOUNDARIES: Record<string, StreetGeometry> = {
  's-donghua': poly(rect(120.1, 30.24, 120.12, 30.26)),
  's-chaoyangmen': poly(rect(120.12, 30.24, 120.14, 30.26)),
  's-hepingli': poly(rect(120.14, 30.24, 120.16, 30.26)),
  's-qinglong': poly(rect(120.16, 30.24, 120.2, 30.26)),
  's-hubin': poly(rect(120.1, 30.2, 120.13, 30.24), rect(120.11, 30.21, 120.12, 30.23).reverse()),
  's-liulang': poly(rect(120.13, 30.2, 120.16, 30.24)),
  's-baisha': { type: 'MultiPolygon', coordinates: [[rect(120.16, 30.2, 120.2, 30.24)], [rect(120.21, 30.21, 120.22, 30.22)]] },
  's-nanhu': poly(rect(120.1, 30.16, 120.13, 30.2)),
  's-taoyuan': poly(rect(120.13, 30.16, 120.16, 30.2)),
  's-yunling': poly(rect(120.16, 30.16, 120.2, 30.2)),
};

/** Leaf categories safe to dispatch without a dispatcher (path of names). */
export const DEMO_AUTO_DISPATCH = ['公用事业/供水/停水', '城市管理/市政设施/路灯故障'];

type RuleSeed = {
  name: string;
  /** path of category names; omitted = any category */
  category?: string;
  district?: string;
  street?: string;
  keyword?: string;
  leadMode: 'unit' | 'street' | 'district';
  lead?: string;
  assist?: string[];
  copyDistrict?: boolean;
  priority?: number;
};

/** Unit codes from units.ts. */
/** A demo rule's row, its category path and unit codes resolved by the caller (the seed, or the demo corpus's ids). */
export function ruleValues(r: RuleSeed, categoryId: (path: string) => number, unitId: (code: string) => number) {
  return {
    name: r.name,
    categoryId: r.category ? categoryId(r.category) : null,
    districtUnitId: r.district ? unitId(r.district) : null,
    streetUnitId: r.street ? unitId(r.street) : null,
    keyword: r.keyword ?? null,
    leadMode: r.leadMode,
    leadUnitId: r.lead ? unitId(r.lead) : null,
    assistUnitIds: (r.assist ?? []).map(unitId),
    copyDistrict: r.copyDistrict ?? false,
    priority: r.priority ?? 0,
  };
}

export const DEMO_RULES: RuleSeed[] = [
  // 城市管理: Beijing style, straight to the street, the district copied.
  { name: '城市管理类直派属地街道（抄送区）', category: '城市管理', leadMode: 'street', copyDistrict: true },
  { name: '路灯故障由市城管委主办', category: '城市管理/市政设施/路灯故障', leadMode: 'unit', lead: 'dep-cgw' },
  ...(['dongcheng', 'xihu', 'nanshan'] as const).map(
    (d): RuleSeed => ({
      name: `${{ dongcheng: '东城区', xihu: '西湖区', nanshan: '南山区' }[d]}违法建设：街道主办、区城管局协办`,
      category: '城市管理/违法建设',
      district: `d-${d}`,
      leadMode: 'street',
      assist: [`dep-${d}-cgj`],
      copyDistrict: true,
    }),
  ),
  {
    name: '湖滨街道市容环境由西湖区城管局主办',
    category: '城市管理/市容环境',
    district: 'd-xihu',
    street: 's-hubin',
    leadMode: 'unit',
    lead: 'dep-xihu-cgj',
    assist: ['s-hubin'],
  },
  // 住房: the street, with the housing commission assisting; the provident fund and housing support to the commission.
  { name: '物业和房屋维修：街道主办、市住建委协办', category: '住房', leadMode: 'street', assist: ['dep-zjw'], copyDistrict: true },
  { name: '住房保障由市住建委主办', category: '住房/住房保障', leadMode: 'unit', lead: 'dep-zjw' },
  { name: '住房公积金由市住建委主办', category: '住房/住房公积金', leadMode: 'unit', lead: 'dep-zjw' },
  // 交通, 市场监管, 政务服务, 劳动保障: the city department.
  { name: '交通类由市交通委员会主办', category: '交通', leadMode: 'unit', lead: 'dep-jtw' },
  { name: '停车管理：街道主办、市交通委协办', category: '交通/道路交通/停车管理', leadMode: 'street', assist: ['dep-jtw'], copyDistrict: true },
  { name: '市场监管类由市市场监督管理局主办', category: '市场监管', leadMode: 'unit', lead: 'dep-scjg' },
  { name: '政务服务类由市政务服务管理局主办', category: '政务服务', leadMode: 'unit', lead: 'dep-zwfw' },
  { name: '劳动保障类由市人社局主办', category: '劳动保障', leadMode: 'unit', lead: 'dep-rsj' },
  // 生态环境: the bureau; building-site noise to the housing commission (keyword).
  { name: '生态环境类由市生态环境局主办', category: '生态环境', leadMode: 'unit', lead: 'dep-sthj' },
  { name: '工地噪声由市住建委主办、生态环境局协办', category: '生态环境/噪声污染', keyword: '工地', leadMode: 'unit', lead: 'dep-zjw', assist: ['dep-sthj'] },
  { name: '社会生活噪声直派属地街道', category: '生态环境/噪声污染/社会生活噪声', leadMode: 'street', copyDistrict: true },
  // 公用事业: no single owner in the demo city → the district coordinates; water → the water authority.
  { name: '公用事业类由属地区政府协调', category: '公用事业', leadMode: 'district' },
  { name: '供水类由市水务局主办', category: '公用事业/供水', leadMode: 'unit', lead: 'dep-swj' },
];

/**
 * Seeds the catalogue. `units` and `categoryIds` are what seedDemo just inserted (unit codes; category
 * paths "城市管理/市政设施/路灯故障"). Does nothing to the rules when the catalogue already has some.
 */
export async function seedRouting(
  tx: Db,
  ids: { units: { id: number; code: string }[]; categoryIds: Map<string, number> },
  log: (msg: string) => void = () => {},
): Promise<void> {
  const unitId = (code: string) => {
    const u = ids.units.find((x) => x.code === code);
    if (!u) throw new Error(`seed-routing: unknown unit code ${code}`);
    return u.id;
  };
  const categoryId = (path: string) => {
    const id = ids.categoryIds.get(path);
    if (id === undefined) throw new Error(`seed-routing: unknown category ${path}`);
    return id;
  };

  for (const [code, aliases] of Object.entries(DEMO_ALIASES)) {
    await tx
      .update(units)
      .set({ aliases })
      .where(eq(units.id, unitId(code)));
  }

  for (const [code, geometry] of Object.entries(DEMO_BOUNDARIES)) {
    const issues = geometryIssues(geometry);
    if (issues.length) throw new Error(`seed-routing: boundary of ${code}: ${JSON.stringify(issues)}`);
    await tx
      .insert(streetBoundaries)
      .values({ unitId: unitId(code), geometry, ...bboxOf(geometry) })
      .onConflictDoNothing();
  }

  await tx
    .update(categories)
    .set({ autoDispatch: true })
    .where(inArray(categories.id, DEMO_AUTO_DISPATCH.map(categoryId)));

  const [{ n }] = (await tx.select({ n: sql<number>`count(*)::int` }).from(dispatchRules)) as [{ n: number }];
  if (n === 0) {
    await tx.insert(dispatchRules).values(DEMO_RULES.map((r) => ruleValues(r, categoryId, unitId)));
  }
  log(
    `Dispatch catalogue: ${DEMO_RULES.length} rules, ${Object.keys(DEMO_BOUNDARIES).length} street boundaries, auto-dispatch for ${DEMO_AUTO_DISPATCH.join('、')}`,
  );
}
