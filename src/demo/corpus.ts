/**
 * A labelled corpus from the demo city's generator, without a database: demands said as the demo history says them
 * (the same leaves and weights, places, composed demands, phrasings and noise: demands/say.ts), each with its time,
 * channel and street, its final category (the leaf) and its final lead unit as the demo's dispatcher would choose it —
 * the dispatch catalogue's first suggestion for that category, street and text (src/domain/routing/match.ts over
 * src/seed/routing.ts's rules), the street's community for a quarter of the community-level leaves, and a few percent
 * re-dispatched elsewhere after a return, and a few percent filed under a neighbouring category by the operator and left
 * there (label noise, as real histories have). Ids are given in seed order, so they
 * are stable, though not those of a seeded database. For bench/eval/classify.ts and its test.
 */
import type { RuleRow, UnitInfo } from '../domain/routing/match.ts';
import { suggest } from '../domain/routing/match.ts';
import type { UnitKind } from '../domain/vocab.ts';
import { CATEGORY_TREE, type CategorySeed } from '../seed/categories.ts';
import { DEMO_RULES, ruleValues } from '../seed/routing.ts';
import { CITY_DEPARTMENTS, DISTRICTS } from '../seed/units.ts';
import { LEAVES, sayDemand, type LeafSpec } from './demands.ts';
import { storyCtx } from './demands/say.ts';
import type { NoiseKind } from './demands/noise.ts';
import { COMMUNITY_LEVEL } from './history/intake.ts';
import { placeIn, type Street } from './places.ts';
import { Rng } from './random.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Asia/Shanghai is UTC+8 all year */
const LOCAL = 8 * HOUR;

export type Channel = 'phone' | 'online' | 'window';

export type LabelledDemand = {
  at: number;
  title: string;
  content: string;
  channel: Channel;
  streetUnitId: number;
  /** The leaf the caller spoke about */
  leafPath: string;
  /** The final category: the leaf, or a neighbouring one where the operator misfiled it */
  categoryId: number;
  leadUnitId: number;
  /** Which template said it (`composed:<i>` or `said:<i>`, within the leaf) */
  template: string;
  noise: NoiseKind[];
  /** The label noise: the final lead is not the catalogue's choice (returned and dispatched elsewhere) */
  redispatched: boolean;
  /** The label noise of categories: filed under a sibling leaf (the unit then follows that category) */
  misfiled: boolean;
};

/** The demo city as routing sees it: categories, units and rules with ids in seed order. */
export type CorpusWorld = {
  categoryIds: Map<string, number>;
  /** Each category id's path of ancestors with levels, itself last (RoutingTicket.categories) */
  lineage: Map<number, { id: number; level: number }[]>;
  unitIds: Map<string, number>;
  units: Map<number, UnitInfo>;
  streets: Street[];
  rules: RuleRow[];
  departments: number[];
};

export function demoWorld(): CorpusWorld {
  const categoryIds = new Map<string, number>();
  const lineage = new Map<number, { id: number; level: number }[]>();
  const addCategories = (nodes: CategorySeed[], parent: string | null, above: { id: number; level: number }[]) => {
    for (const node of nodes) {
      const id = categoryIds.size + 1;
      const path = parent ? `${parent}/${node.name}` : node.name;
      categoryIds.set(path, id);
      const line = [...above, { id, level: above.length + 1 }];
      lineage.set(id, line);
      if (node.children) addCategories(node.children, path, line);
    }
  };
  addCategories(CATEGORY_TREE, null, []);

  const unitIds = new Map<string, number>();
  const units = new Map<number, UnitInfo>();
  const addUnit = (code: string, name: string, kind: UnitKind, parent?: UnitInfo): UnitInfo => {
    const id = units.size + 1;
    const u = { id, name, kind, path: `${parent?.path ?? '/'}${id}/`, active: true };
    units.set(id, u);
    unitIds.set(code, id);
    return u;
  };
  const centre = addUnit('centre', '江州市12345热线服务中心', 'centre');
  const streets: Street[] = [];
  for (const d of DISTRICTS) {
    const district = addUnit(d.code, d.name, 'district', centre);
    addUnit(d.department.code, d.department.name, 'department', district);
    for (const s of d.streets) {
      const street = addUnit(s.code, s.name, 'street', district);
      const communities = s.communities.map((c) => ({ id: addUnit(c.code, c.name, 'community', street).id, code: c.code, name: c.name }));
      streets.push({ id: street.id, code: s.code, name: s.name, district: { id: district.id, name: d.name }, communities });
    }
  }
  const departments = CITY_DEPARTMENTS.map((dep) => addUnit(dep.code, dep.name, 'department', centre).id);
  const unit = (code: string) => unitIds.get(code)!;
  const rules: RuleRow[] = DEMO_RULES.map((r, i) => ({ id: i + 1, ...ruleValues(r, (path) => categoryIds.get(path)!, unit), active: true }));
  return { categoryIds, lineage, unitIds, units, streets, rules, departments };
}

/** The catalogue's ranked lead units for a category (null: none known), a street and a text, as the dispatcher sees them. */
export function catalogueLeads(w: CorpusWorld, categoryId: number | null, street: Street, text: { title: string; content: string }): number[] {
  const { candidates } = suggest({
    ticket: {
      categories: categoryId === null ? [] : w.lineage.get(categoryId)!,
      streetUnitId: street.id,
      districtUnitId: street.district.id,
      title: text.title,
      content: text.content,
    },
    rules: w.rules,
    units: w.units,
    returnedUnitIds: new Set(),
  });
  return candidates.map((c) => c.leadUnitId);
}

export type CorpusOptions = {
  seed?: string;
  /** The first day (local midnight, Asia/Shanghai) */
  from: Date;
  days: number;
  /** Tickets per working day (weekends about half) */
  perDay: number;
  /** Share of tickets returned and dispatched elsewhere (default 0.04) */
  redispatch?: number;
  /** Share of tickets filed under a neighbouring leaf category (default 0.05) */
  misfile?: number;
};

const CHANNELS: readonly (readonly [Channel, number])[] = [
  ['phone', 72],
  ['online', 20],
  ['window', 8],
];

/** Tickets over `days`, in time order. Deterministic for the options. */
export function generateCorpus(opts: CorpusOptions, w: CorpusWorld = demoWorld()): LabelledDemand[] {
  const r = new Rng(`${opts.seed ?? 'jiesu demo corpus'}|${opts.from.toISOString()}|${opts.days}`);
  const noise = { redispatch: opts.redispatch ?? 0.04, misfile: opts.misfile ?? 0.05 };
  const out: LabelledDemand[] = [];
  for (let day = 0; day < opts.days; day++) {
    const midnight = opts.from.getTime() + day * DAY;
    const local = new Date(midnight + LOCAL + 12 * HOUR);
    const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
    const month = local.getUTCMonth() + 1;
    const active = LEAVES.filter((l) => !l.months || l.months.includes(month));
    const n = r.poisson(opts.perDay * (weekend ? 0.5 : 1));
    const times = Array.from({ length: n }, () => midnight + r.int(7 * 60, 22 * 60) * 60_000).sort((a, b) => a - b);
    for (const at of times) out.push(oneDemand(r, w, at, active, noise));
  }
  return out;
}

/** Leaves of the same level-2 area, else of the same level-1 group: where an operator may misfile a leaf. */
function neighbours(path: string): string[] {
  const up = (p: string) => p.slice(0, p.lastIndexOf('/'));
  const same = LEAVES.filter((l) => l.path !== path && up(l.path) === up(path));
  return (same.length ? same : LEAVES.filter((l) => l.path !== path && up(up(l.path)) === up(up(path)))).map((l) => l.path);
}

function oneDemand(r: Rng, w: CorpusWorld, at: number, active: readonly LeafSpec[], noise: { redispatch: number; misfile: number }): LabelledDemand {
  const channel = r.weighted(CHANNELS);
  const pool = channel === 'window' ? active.filter((l) => l.window) : active;
  const leaf = r.weighted(pool.map((l) => [l, l.weight] as const));
  const street = r.pick(w.streets);
  const place = placeIn(r, street);
  const local = new Date(at + LOCAL);
  const c = storyCtx(r, place, `${local.getUTCMonth() + 1}月${local.getUTCDate()}日`);
  const said = sayDemand(leaf, r.pick(leaf.demands), c, r.fork('said'));
  const misfiledAs = r.chance(noise.misfile) ? r.pick(neighbours(leaf.path)) : null;
  const categoryId = w.categoryIds.get(misfiledAs ?? leaf.path)!;
  // The dispatcher: the catalogue's first suggestion, or the street's community for the community-level leaves.
  let lead = catalogueLeads(w, categoryId, street, said)[0] ?? street.district.id;
  if (COMMUNITY_LEVEL.has(misfiledAs ?? leaf.path) && lead === street.id && r.chance(0.25)) lead = street.communities[0]?.id ?? lead;
  // Returned and dispatched elsewhere: a neighbouring street (the place was misread) or a city department (its remit).
  let redispatched = false;
  if (r.chance(noise.redispatch)) {
    const nearby = w.streets.filter((s) => s.district.id === street.district.id && s.id !== street.id);
    const other = nearby.length && r.chance(0.5) ? r.pick(nearby).id : r.pick(w.departments);
    redispatched = other !== lead;
    lead = other;
  }
  return {
    at,
    title: said.title,
    content: said.content,
    channel,
    streetUnitId: street.id,
    leafPath: leaf.path,
    categoryId,
    leadUnitId: lead,
    template: said.template,
    noise: said.noise,
    redispatched,
    misfiled: misfiledAs !== null,
  };
}

/** A labelled demand with the ids of a seeded database. */
export type SeededDemand = { title: string; content: string; channel: Channel; street: number; category: number; lead: number };

/**
 * The corpus with a seeded database's ids (corpus ids are in seed order; category paths and unit kinds and names
 * are what a seeded city and the corpus share). `categories`: every category's id and its path of names from level
 * 1 joined by '/'; `units`: every unit's id, kind and name. Throws on a category or unit the database lacks.
 */
export function inSeededIds(
  corpus: readonly LabelledDemand[],
  seeded: { categories: { id: number; path: string }[]; units: { id: number; kind: string; name: string }[] },
  w: CorpusWorld = demoWorld(),
): SeededDemand[] {
  const catId = new Map(seeded.categories.map((c) => [c.path, c.id]));
  const corpusPath = new Map([...w.categoryIds].map(([path, id]) => [id, path]));
  const unitId = new Map(seeded.units.map((u) => [`${u.kind}:${u.name}`, u.id]));
  const unitOf = (id: number) => {
    const u = w.units.get(id)!;
    const found = unitId.get(`${u.kind}:${u.name}`);
    if (found === undefined) throw new Error(`the demo's unit ${u.name} is not in the seeded database`);
    return found;
  };
  return corpus.map((d) => {
    const category = catId.get(corpusPath.get(d.categoryId)!);
    if (category === undefined) throw new Error(`the demo's category ${corpusPath.get(d.categoryId)} is not in the seeded database`);
    return { title: d.title, content: d.content, channel: d.channel, street: unitOf(d.streetUnitId), category, lead: unitOf(d.leadUnitId) };
  });
}

/** The SQL reading what inSeededIds needs: categories with their paths, units with kind and name. */
export const SEEDED_CATEGORY_PATHS = `with recursive p(id, path) as (select id, name from categories where parent_id is null
  union all select c.id, p.path || '/' || c.name from categories c join p on c.parent_id = p.id) select id, path from p`;
