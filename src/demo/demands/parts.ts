/** What a demand is made of: the context a sentence is said in, a leaf category's spec, and the parts (durations, times, companies, places) sentences compose. */
import type { Rng } from '../random.ts';
import type { Place } from '../places.ts';
import type { TicketType, Urgency, WindowReason } from '../../domain/vocab.ts';

/** Everything a sentence may use: the place (null for matters with no place), the generator, and the day it is said. */
export type Ctx = {
  r: Rng;
  p: Place;
  /** The day it is said or done, e.g. 3月12日 */
  date: string;
  /** The same choice every time it is asked for under `key` in this ticket's story (a title and its demand agree) */
  one<T>(key: string, items: readonly T[]): T;
  /** The same number every time under `key` in this ticket's story */
  num(key: string, min: number, max: number): number;
};
export type Text = (c: Ctx) => string;
export type Demand = { title: Text; content: Text };

export type LeafSpec = {
  /** Path of names from level 1, as in src/seed/categories.ts's CATEGORY_TREE */
  path: string;
  /** Relative share of the calls (before seasons) */
  weight: number;
  types: readonly (readonly [TicketType, number])[];
  urgency?: readonly (readonly [Urgency, number])[];
  /** Whether the demand is about a place in a street (routing reads its address) */
  placed: boolean;
  demands: readonly Demand[];
  /** The same matter as callers really say it (phrasings/, for the frequent leaves); say.ts chooses between the two */
  phrasings?: readonly Demand[];
  replies: readonly Text[];
  /** What the caller calls it, for callback comments */
  noun: string;
  /** Questions a knowledge-base article of this category answers at once (直接答复) */
  questions?: readonly Text[];
  /** The "办不成事" window: matters and the hall departments where they failed */
  window?: { matters: readonly string[]; halls: readonly string[]; reasons: readonly WindowReason[] };
  /** Months (1–12) when it comes up at all; e.g. heating */
  months?: readonly number[];
  /** Reasons a unit gives when it asks for more time */
  extension?: readonly string[];
};

/* The parts demands are composed from */

export const DURATIONS = ['两三天', '三四天', '一个星期', '十来天', '半个多月', '快一个月', '一个多月', '两个多月'];
export const NIGHTS = ['每天晚上十点以后', '夜里十一点多', '凌晨一两点', '每天清早五点多', '晚上九点到十二点'];
export const PROPERTY = ['恒安物业', '锦城物业', '嘉和物业服务公司', '万家物业', '绿洲物业', '安居物业管理公司'];
export const SHOPS = ['一家烧烤店', '一家火锅店', '一家麻辣烫店', '一家小龙虾店', '一家早餐店', '一家川菜馆'];
export const SALONS = ['一家健身房', '一家美容店', '一家少儿英语培训机构', '一家游泳馆', '一家理发店', '一家舞蹈培训班'];
export const EMPLOYERS = ['江州恒达建筑劳务有限公司', '一家装修公司', '江州鑫宇电子厂', '一家物流公司', '一家连锁餐饮店', '江州华美服装厂'];
export const BUSES = ['12路', '23路', '35路', 'K8路', '106路', '游2路', '夜3路', '58路'];
export const GOODS = ['电动自行车', '空调', '羽绒服', '冰箱', '手机', '燃气热水器', '儿童座椅'];
export const DOCS = ['户口本原件', '房产证明', '单位开具的在职证明', '近三个月的社保缴费记录', '租赁合同备案证明'];

export const dur = (c: Ctx) => c.r.pick(DURATIONS);
export const night = (c: Ctx) => c.r.pick(NIGHTS);
export const yuan = (c: Ctx, lo: number, hi: number, step = 100) => `${Math.round(c.r.int(lo, hi) / step) * step}元`;
/** "幸福里小区3号楼" or "翠微路18号": where in the street */
export const spot = (c: Ctx) => (c.r.chance(0.5) ? `${c.p.compound}${c.p.building}` : `${c.p.road}${c.p.no}号`);
export const area = (c: Ctx) => `${c.p.street.name}${c.p.compound}`;
