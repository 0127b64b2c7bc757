/**
 * How the phrasings are written: plain strings with named gaps the place and the call fill in, so a phrasing reads as
 * the caller said it. {小区} compound, {楼} building, {路} road, {门牌} number, {路口} the crossing road, {地标} landmark,
 * {工地} site, {街道} street, {社区} community, {多久} a duration, {夜里} a time of night, {物业} a property company,
 * {店} a restaurant, {机构} a prepaid-card business, {公司} an employer, {公交} a bus line, {钱} a sum, {月} months.
 */
import { BUSES, DURATIONS, EMPLOYERS, NIGHTS, PROPERTY, SALONS, SHOPS, type Ctx, type Demand } from '../parts.ts';

/** A leaf's phrasings: titles as an operator would write them, and what callers say (each line one template). */
export type Phrasing = { titles: readonly string[]; said: readonly string[] };

const GAPS: Record<string, (c: Ctx) => string> = {
  小区: (c) => c.p.compound,
  楼: (c) => c.p.building,
  路: (c) => c.p.road,
  门牌: (c) => `${c.p.no}号`,
  路口: (c) => c.p.cross,
  地标: (c) => c.p.landmark,
  工地: (c) => c.p.site,
  街道: (c) => c.p.street.name,
  社区: (c) => c.p.community || c.p.compound,
  多久: (c) => c.r.pick(DURATIONS),
  夜里: (c) => c.r.pick(NIGHTS),
  物业: (c) => c.one('property', PROPERTY),
  店: (c) => c.one('shop', SHOPS).replace(/^一家/, ''),
  机构: (c) => c.one('salon', SALONS).replace(/^一家/, ''),
  公司: (c) => c.one('employer', EMPLOYERS),
  公交: (c) => c.one('bus', BUSES),
  钱: (c) => `${c.r.int(3, 120) * 100}块`,
  月: (c) => `${c.r.int(2, 6)}个月`,
};

/** The template with its gaps filled (an unknown gap is a mistake in the data: it throws). */
export function fill(template: string, c: Ctx): string {
  return template.replace(/\{([^}]+)\}/g, (_, k: string) => {
    const gap = GAPS[k];
    if (!gap) throw new Error(`demo phrasings: unknown gap {${k}} in ${template}`);
    return gap(c);
  });
}

/** Every gap name a template uses (for the tests). */
export const gapNames = (template: string) => [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
export const KNOWN_GAPS = new Set(Object.keys(GAPS));

/** One demand per said line, titled with one of the leaf's titles. */
export function demandsOf(p: Phrasing): Demand[] {
  return p.said.map((line) => ({ title: (c: Ctx) => fill(c.r.pick(p.titles), c), content: (c: Ctx) => fill(line, c) }));
}
