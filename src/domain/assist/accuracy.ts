/**
 * Live accuracy of the suggestions, per ISO week (Monday to Sunday, Asia/Shanghai), read from what was recorded:
 * of the suggestions shown whose ticket was then created, how often the category it was created with was the
 * first suggestion (top-1) or among the three (top-3); and of those whose ticket was then dispatched, the same
 * for its first lead unit. Dispatches the model made by itself (appliedAutomatically) are counted apart, never as
 * hits of their own.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistSuggestions as s } from '../../../db/schema/index.ts';
import { rowsOf } from '../tickets/queries.ts';

export type Rates = { n: number; top1: number | null; top3: number | null };
export type WeekAccuracy = {
  /** ISO week, e.g. 2026-W49 */
  week: string;
  /** Its Monday (Asia/Shanghai) */
  from: string;
  /** Suggestions shown that week */
  suggestions: number;
  category: Rates;
  unit: Rates;
  /** Tickets dispatched by the unit model above the administrator's threshold */
  automatic: number;
};

type Row = {
  week: string;
  monday: string;
  shown: number | string;
  cat_n: number | string;
  cat_1: number | string;
  cat_3: number | string;
  unit_n: number | string;
  unit_1: number | string;
  unit_3: number | string;
  auto: number | string;
};

const rank = (list: typeof s.categories | typeof s.units, chosen: typeof s.chosenCategoryId | typeof s.chosenUnitId, i: number) =>
  // the index as a literal: a parameter would be sent as text, and jsonb -> text looks up an object key
  sql`(${list}->${sql.raw(String(i))}->>'id')::int = ${chosen}`;

/** The last `weeks` ISO weeks up to `now`, newest first (weeks with no suggestion are left out). */
export async function weeklyAccuracy(db: Db, now: Date, weeks = 12): Promise<WeekAccuracy[]> {
  const since = new Date(now.getTime() - (weeks * 7 + 7) * 86_400_000);
  const local = sql`(${s.createdAt} at time zone 'Asia/Shanghai')`;
  const catShown = sql`${s.chosenCategoryId} is not null and jsonb_array_length(${s.categories}) > 0`;
  const unitShown = sql`${s.chosenUnitId} is not null and jsonb_array_length(${s.units}) > 0 and not ${s.appliedAutomatically}`;
  const result = await db.execute(sql`
    select to_char(date_trunc('week', ${local}), 'IYYY-"W"IW') as week,
           to_char(date_trunc('week', ${local}), 'YYYY-MM-DD') as monday,
           count(*) filter (where not ${s.appliedAutomatically} or jsonb_array_length(${s.categories}) > 0) as shown,
           count(*) filter (where ${catShown}) as cat_n,
           count(*) filter (where ${catShown} and ${rank(s.categories, s.chosenCategoryId, 0)}) as cat_1,
           count(*) filter (where ${catShown} and (${rank(s.categories, s.chosenCategoryId, 0)} or ${rank(s.categories, s.chosenCategoryId, 1)}
             or ${rank(s.categories, s.chosenCategoryId, 2)})) as cat_3,
           count(*) filter (where ${unitShown}) as unit_n,
           count(*) filter (where ${unitShown} and ${rank(s.units, s.chosenUnitId, 0)}) as unit_1,
           count(*) filter (where ${unitShown} and (${rank(s.units, s.chosenUnitId, 0)} or ${rank(s.units, s.chosenUnitId, 1)}
             or ${rank(s.units, s.chosenUnitId, 2)})) as unit_3,
           count(*) filter (where ${s.appliedAutomatically}) as auto
      from ${s}
     where ${s.createdAt} >= ${since.toISOString()}::timestamptz and ${s.createdAt} < ${now.toISOString()}::timestamptz
     group by 1, 2
     order by 2 desc
     limit ${weeks}`);
  const rate = (hits: number | string, n: number) => (n ? Number(hits) / n : null);
  return rowsOf<Row>(result).map((r) => {
    const cn = Number(r.cat_n);
    const un = Number(r.unit_n);
    return {
      week: r.week,
      from: r.monday,
      suggestions: Number(r.shown),
      category: { n: cn, top1: rate(r.cat_1, cn), top3: rate(r.cat_3, cn) },
      unit: { n: un, top1: rate(r.unit_1, un), top3: rate(r.unit_3, un) },
      automatic: Number(r.auto),
    };
  });
}
