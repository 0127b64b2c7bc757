/**
 * Dashboards read the rollups only — never raw tickets — summing the counters of the period at the
 * smallest grain that can answer (grains.ts), and computing the rates with the current settings.
 */
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { categories, units } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, UnprocessableError } from '../errors.ts';
import { bilingual, type Locale } from '../../i18n/messages.ts';
import { CHANNEL_LABELS, UNIT_KIND_LABELS } from '../../contract/labels.ts';
import { readsAll } from '../tickets/policy.ts';
import { rowsOf } from '../tickets/queries.ts';
import { CHANNELS, type Channel, type UnitKind } from '../vocab.ts';
import { COUNTERS, counterColumn, INTAKE_UNIT, zeroCounters, type Counters } from './counters.ts';
import { computeMetrics, formulas, type MetricKey, type MetricSettings, type MetricValue } from './definitions.ts';
import { addDays, bucketsOfRange, isWholeMonths, MONTHLY_PERIODS, resolveRange, type Bucket, type Period } from './periods.ts';
import { GRAINS, pickGrain, SUBTREE_MONTHLY, type Grain } from './grains.ts';

const UNIT_MONTHLY = GRAINS.find((g) => g.name === 'unit_monthly')!;

export const GROUP_BYS = ['unit', 'category', 'channel', 'level'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const RANKED_LEVELS = ['district', 'department', 'street', 'community'] as const satisfies readonly UnitKind[];
export type RankedLevel = (typeof RANKED_LEVELS)[number];

export type MetricsFilter = {
  period: Period;
  from: string;
  to?: string;
  groupBy?: GroupBy;
  unitId?: number;
  level?: RankedLevel;
  categoryId?: number;
  channel?: Channel;
  includeAppealed: boolean;
};

export type Group = { type: GroupBy; id: number | string; name: string; kind?: string; code?: string };
/** A unit's figures over its subtree (含下级: itself and every unit beneath) or over its own assignments only (本级). */
export type UnitScope = 'subtree' | 'own';
export const UNIT_SCOPE_NAMES: Record<UnitScope, Record<Locale, string>> = {
  subtree: { 'zh-CN': '含下级', en: 'with units below' },
  own: { 'zh-CN': '本级', en: 'own' },
};
export type ScopedFigures = { scope: UnitScope; scopeName: string; metrics: Record<MetricKey, MetricValue>; counters: Counters };
export type MetricsRow = {
  bucket: string;
  start: string;
  end: string;
  group: Group | null;
  metrics: Record<MetricKey, MetricValue>;
  counters: Counters;
  /** groupBy=unit: `metrics` and `counters` are the unit's subtree (含下级); `own` its own assignments' (本级) */
  scope?: UnitScope;
  scopeName?: string;
  own?: ScopedFigures;
};

/** Unit kinds as groups and channels, in both languages (the Chinese are the contract's). */
export const LEVEL_NAMES = bilingual(UNIT_KIND_LABELS, {
  centre: 'Centre',
  district: 'Districts',
  department: 'Departments',
  street: 'Streets and townships',
  community: 'Communities',
});
export const CHANNEL_NAMES = bilingual(CHANNEL_LABELS, {
  phone: 'Phone',
  window: 'Service window',
  online: 'Online',
  open311: 'Open311',
  bad_review: 'Bad review',
});
/** Unit 0: the centre itself — its intake (直接答复率, 重复来电率) and its own clocks (dispatch, reviews, callbacks). */
const INTAKE_NAME: Record<Locale, string> = { 'zh-CN': '热线中心', en: 'Hotline centre' };

/** Whose counters the actor may read: everything (centre), or one subtree (a unit user; or a centre user's unitId filter). */
export async function scopeOf(db: Db, actor: Actor, unitId: number | undefined): Promise<{ path: string | null }> {
  const own = readsAll(actor) ? null : actor.unitPath;
  if (unitId === undefined) return { path: own };
  const [u] = await db.select({ path: units.path }).from(units).where(eq(units.id, unitId));
  if (!u) throw new UnprocessableError('unit_unknown', { unitId });
  if (own && !u.path.startsWith(own)) throw new ForbiddenError('metrics_scope_forbidden');
  return { path: u.path };
}

/** The counters' column names, computed once (rows are read by the thousand). */
const COLUMNS = COUNTERS.map((c) => [c, counterColumn(c)] as const);

/** Summed counters (int: a unit's counts over any range stay far below 2^31). */
const sums = (alias: string) => sql.raw(COLUMNS.map(([, col]) => `coalesce(sum(${alias}.${col}), 0)::int as ${col}`).join(', '));
const plain = (alias: string) => sql.raw(COLUMNS.map(([, col]) => `${alias}.${col}`).join(', '));
/**
 * The summed counters of a row as one text column, comma-separated in COUNTERS order: the driver parses
 * three columns per row instead of 26 (a year of every unit is ≈ 3,400 rows; measured ≈ 2× less client time).
 */
const packed = (alias: string) => sql.raw(`concat_ws(',', ${COLUMNS.map(([, col]) => `${alias}.${col}`).join(', ')}) as c`);

/** The bucket's start as a date or timestamp (grouped on); returned as 'YYYY-MM-DD' text. */
function bucketTime(period: Period, grain: Grain, rangeStart: string): SQL {
  const time = sql.raw(`m.${grain.time}`);
  if (period === 'custom') return sql`${rangeStart}::date`;
  if (period === 'day' || (period === 'month' && grain.time === 'month')) return time;
  if (period === 'half') return sql`make_date(extract(year from ${time})::int, case when extract(month from ${time}) <= 6 then 1 else 7 end, 1)`;
  return sql`date_trunc(${period}, ${time}::timestamp)`;
}
const bucketText = (alias: string) => sql.raw(`to_char(${alias}.t, 'YYYY-MM-DD')`);

const ZERO = zeroCounters();

/** The packed counters parsed in one pass over the text (≈ 3× faster than split and Number for a year of units). */
function countersOf(packedCounters: string): Counters {
  const c = { ...ZERO };
  let i = 0;
  let n = 0;
  let sign = 1;
  for (let p = 0; p < packedCounters.length; p++) {
    const ch = packedCounters.charCodeAt(p);
    if (ch === 44 /* , */) {
      c[COUNTERS[i++]!] = sign * n;
      n = 0;
      sign = 1;
    } else if (ch === 45 /* - */) sign = -1;
    else n = n * 10 + ch - 48;
  }
  c[COUNTERS[i]!] = sign * n;
  return c;
}

type Raw = { bucket: string; gid: string | number | null; c: string };
type CounterRow = { bucket: string; gid: string | number | null; counters: Counters; own: Counters | undefined };

/** The first day of the month after a date's month. */
const nextMonth = (day: string) => {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

/**
 * A custom range that is not whole months but spans at least one: its whole months, which the monthly grains answer,
 * and the days before and after them (the daily grains); null when it spans no whole month.
 */
function monthSplit(start: string, end: string): { start: string; end: string }[] | null {
  const first = start.endsWith('-01') ? start : nextMonth(start);
  const last = addDays(nextMonth(end), -1) === end ? end : addDays(`${end.slice(0, 7)}-01`, -1);
  if (first > last) return null;
  return [
    ...(start < first ? [{ start, end: addDays(first, -1) }] : []),
    { start: first, end: last },
    ...(last < end ? [{ start: addDays(last, 1), end }] : []),
  ];
}

const addCounters = (a: Counters, b: Counters): Counters => {
  const c = { ...a };
  for (const k of COUNTERS) c[k] += b[k];
  return c;
};

/**
 * Summed counters per bucket (and group), before rates. A custom range over whole months and some days (one
 * bucket) is read as its parts — the whole months from the monthly grains, the days around them from the daily
 * ones — and summed per group: the same counters as reading every day (a year is ≈ 12 × fewer rows).
 */
export async function metricCounters(db: Db, actor: Actor, f: MetricsFilter): Promise<{ range: ReturnType<typeof resolveRange>; rows: CounterRow[] }> {
  const range = resolveRange(f.period, f.from, f.to);
  const parts = f.period === 'custom' && !isWholeMonths(range) ? monthSplit(range.start, range.end) : null;
  if (!parts) return withoutParallelWorkers(db, (tx) => countersOfRange(tx, actor, f));
  const merged = new Map<string, CounterRow>();
  // The parts at once (each its own statements; PGlite runs them in turn).
  const read = await Promise.all(parts.map((part) => withoutParallelWorkers(db, (tx) => countersOfRange(tx, actor, { ...f, from: part.start, to: part.end }))));
  for (const r of read) {
    for (const row of r.rows) {
      const key = String(row.gid);
      const had = merged.get(key);
      if (!had) merged.set(key, { ...row, bucket: range.start });
      else {
        had.counters = addCounters(had.counters, row.counters);
        if (had.own && row.own) had.own = addCounters(had.own, row.own);
      }
    }
  }
  return { range, rows: [...merged.values()] };
}

/**
 * The rollup reads without parallel workers. They are small aggregates (tens of milliseconds); planned with their
 * values (a prepared statement's first five runs on a connection) the daily grain's path expansion went parallel,
 * and starting two workers took ≈ 60 ms of a 75 ms query on a 2-core server: a custom quarter's p95 was 250–330 ms
 * against 95 ms without (docs/benchmarks.md, "Any period"). `set local` holds to the end of this read transaction.
 */
async function withoutParallelWorkers<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    return fn(tx as unknown as Db);
  });
}

async function countersOfRange(db: Db, actor: Actor, f: MetricsFilter): Promise<{ range: ReturnType<typeof resolveRange>; rows: CounterRow[] }> {
  const range = resolveRange(f.period, f.from, f.to);
  const scope = await scopeOf(db, actor, f.unitId);
  const grain = pickGrain({
    unit: !!scope.path || !!f.level || f.groupBy === 'unit' || f.groupBy === 'level',
    category: f.categoryId !== undefined || f.groupBy === 'category',
    monthly: MONTHLY_PERIODS.has(f.period) || (f.period === 'custom' && isWholeMonths(range)),
  });
  const table = sql.raw(grain.tableName);
  const where: SQL[] = [sql`${sql.raw(`m.${grain.time}`)} between ${range.start} and ${range.end}`];
  if (!f.includeAppealed) where.push(sql`not m.appealed`);
  if (f.channel) where.push(sql`m.channel = ${f.channel}`);
  if (f.categoryId !== undefined) {
    where.push(sql`m.category_id in (
      with recursive sub as (select id from ${categories} where id = ${f.categoryId}
        union all select c.id from ${categories} c join sub on c.parent_id = sub.id)
      select id from sub)`);
  }
  // Intake counters (unit 0) belong to the whole centre: outside any subtree.
  if (scope.path) where.push(sql`m.unit_id in (select id from ${units} where path like ${`${scope.path}%`})`);
  if (f.level && f.groupBy !== 'unit') where.push(sql`m.unit_id in (select id from ${units} where kind = ${f.level})`);
  const filter = sql.join(where, sql` and `);
  const t = bucketTime(f.period, grain, range.start);

  let raw: Raw[];
  if (!f.groupBy) {
    raw = rowsOf<Raw>(
      await db.execute(
        sql`select ${bucketText('b')} as bucket, null as gid, ${packed('b')} from (select ${t} as t, ${sums('m')} from ${table} m where ${filter} group by 1) b`,
      ),
    );
  } else if (f.groupBy === 'channel') {
    raw = rowsOf<Raw>(
      await db.execute(
        sql`select ${bucketText('b')} as bucket, b.gid, ${packed('b')} from (select ${t} as t, m.channel::text as gid, ${sums('m')} from ${table} m where ${filter} group by 1, 2) b`,
      ),
    );
  } else if (f.groupBy === 'category') {
    raw = rowsOf<Raw>(
      await db.execute(
        sql`select ${bucketText('b')} as bucket, b.gid, ${packed('b')} from (select ${t} as t, m.category_id as gid, ${sums('m')} from ${table} m where ${filter} group by 1, 2) b`,
      ),
    );
  } else if (f.groupBy === 'level') {
    raw = rowsOf<Raw>(
      await db.execute(sql`select ${bucketText('b')} as bucket, b.gid, ${packed('b')} from (select ${t} as t, coalesce(u.kind::text, 'centre') as gid, ${sums('m')}
        from ${table} m left join ${units} u on u.id = m.unit_id where ${filter} group by 1, 2) b`),
    );
  } else if (grain === UNIT_MONTHLY && !f.channel) {
    // Each unit with everything below it, by month: the subtree grain has each unit's figures with its
    // descendants' already (one row per unit, month and appeal side, all channels). The scope and the level
    // select the units; the intake (unit 0) is outside both, as below.
    const unitWhere: SQL[] = [sql`m.month between ${range.start} and ${range.end}`];
    if (!f.includeAppealed) unitWhere.push(sql`not m.appealed`);
    if (scope.path) unitWhere.push(sql`u.path like ${`${scope.path}%`}`);
    if (f.level) unitWhere.push(sql`u.kind = ${f.level}`);
    raw = rowsOf<Raw>(
      await db.execute(sql`select ${bucketText('b')} as bucket, b.gid, ${packed('b')} from (
        select ${t} as t, m.unit_id as gid, ${sums('m')} from ${sql.raw(SUBTREE_MONTHLY.tableName)} m
        ${scope.path || f.level ? sql`join ${units} u on u.id = m.unit_id` : sql``}
        where ${sql.join(unitWhere, sql` and `)} group by 1, 2) b`),
    );
  } else {
    // Each unit with everything below it: a district's figures include its streets and communities. The
    // counters are summed per bucket and unit first (p), then each unit's sums go to the unit and every
    // ancestor on its path (a: one row per unit with data and ancestor, hash-joined), summed once more.
    const unitWhere: SQL[] = [];
    if (scope.path) unitWhere.push(sql`u.path like ${`${scope.path}%`}`);
    if (f.level) unitWhere.push(sql`u.kind = ${f.level}`);
    const intake = !scope.path && !f.level;
    raw = rowsOf<Raw>(
      await db.execute(sql`
        with p as (select ${t} as t, m.unit_id, ${sums('m')} from ${table} m where ${filter} group by 1, 2),
        a as (select v.id as unit_id, x.id::int as ancestor_id
              from ${units} v cross join lateral unnest(string_to_array(trim(both '/' from v.path), '/')) as x(id)
              where v.id in (select unit_id from p))
        select ${bucketText('s')} as bucket, s.gid, ${packed('s')} from (
          select p.t, a.ancestor_id as gid, ${sums('p')}
          from p join a on a.unit_id = p.unit_id
          ${unitWhere.length ? sql`join ${units} u on u.id = a.ancestor_id where ${sql.join(unitWhere, sql` and `)}` : sql``}
          group by 1, 2
          ${intake ? sql`union all select p.t, ${sql.raw(String(INTAKE_UNIT))} as gid, ${plain('p')} from p where p.unit_id = ${sql.raw(String(INTAKE_UNIT))}` : sql``}) s`),
    );
  }
  const own = f.groupBy === 'unit' ? await ownCounters(db, f, grain, filter, t) : null;
  return {
    range,
    rows: raw.map((r) => ({
      bucket: r.bucket,
      gid: r.gid,
      counters: countersOf(r.c),
      own: own ? (own.get(`${r.bucket}|${r.gid}`) ?? zeroCounters()) : undefined,
    })),
  };
}

/**
 * Each unit's own counters (本级: the clocks of its own assignments, top-level or handed down to it, and the
 * tickets it led), per bucket, keyed "bucket|unit": the same filter as its subtree row, without the path expansion.
 */
async function ownCounters(db: Db, f: MetricsFilter, grain: Grain, filter: SQL, t: SQL) {
  const level = f.level ? sql` and m.unit_id in (select id from ${units} where kind = ${f.level})` : sql``;
  const rows = rowsOf<Raw>(
    await db.execute(
      sql`select ${bucketText('b')} as bucket, b.gid, ${packed('b')} from (select ${t} as t, m.unit_id as gid, ${sums('m')} from ${sql.raw(grain.tableName)} m where ${filter}${level} group by 1, 2) b`,
    ),
  );
  return new Map(rows.map((r) => [`${r.bucket}|${r.gid}`, countersOf(r.c)]));
}

/** Each group's public fields and its sort key (a unit's path, a category's code…), one object per group shared by its rows. */
type Named = { group: Group; sort: string };

async function groupNames(db: Db, groupBy: GroupBy | undefined, ids: (string | number | null)[], locale: Locale): Promise<Map<string, Named>> {
  const m = new Map<string, Named>();
  if (!groupBy) return m;
  const distinct = [...new Set(ids.filter((x) => x !== null).map(String))];
  if (groupBy === 'unit') {
    const numeric = distinct.map(Number).filter((n) => n !== INTAKE_UNIT);
    const rows = numeric.length
      ? await db.select({ id: units.id, name: units.name, kind: units.kind, code: units.code, path: units.path }).from(units).where(inArray(units.id, numeric))
      : [];
    for (const u of rows) m.set(String(u.id), { group: { type: 'unit', id: u.id, name: u.name, kind: u.kind, code: u.code }, sort: u.path });
    if (distinct.includes(String(INTAKE_UNIT)))
      m.set(String(INTAKE_UNIT), { group: { type: 'unit', id: INTAKE_UNIT, name: INTAKE_NAME[locale], kind: 'centre' }, sort: '' });
  } else if (groupBy === 'category') {
    const numeric = distinct.map(Number);
    const rows = numeric.length
      ? await db.select({ id: categories.id, name: categories.name, code: categories.code }).from(categories).where(inArray(categories.id, numeric))
      : [];
    for (const c of rows) m.set(String(c.id), { group: { type: 'category', id: c.id, name: c.name, code: c.code }, sort: c.code });
  } else if (groupBy === 'channel') {
    for (const ch of distinct)
      m.set(ch, {
        group: { type: 'channel', id: ch, name: CHANNEL_NAMES[ch as Channel]?.[locale] ?? ch },
        sort: String(CHANNELS.indexOf(ch as Channel)).padStart(2, '0'),
      });
  } else {
    const order = ['centre', ...RANKED_LEVELS];
    for (const k of distinct)
      m.set(k, { group: { type: 'level', id: k, name: LEVEL_NAMES[k as UnitKind]?.[locale] ?? k, kind: k }, sort: String(order.indexOf(k)).padStart(2, '0') });
  }
  return m;
}

/** Rows of rates per bucket (and group). Without a grouping, every bucket of the range has a row, empty or not. */
export async function metricsReport(db: Db, actor: Actor, f: MetricsFilter, settings: MetricSettings, locale: Locale) {
  const { range, rows } = await metricCounters(db, actor, f);
  const names = await groupNames(
    db,
    f.groupBy,
    rows.map((r) => r.gid),
    locale,
  );
  const byBucket = new Map<string, Bucket>(range.buckets.map((b) => [b.start, b]));
  const bucketOfDay = bucketsOfRange(f.period, range);
  const fs = formulas(settings);
  const out: { row: MetricsRow; sort: string }[] = rows.map((r) => {
    const b = byBucket.get(r.bucket) ?? bucketOfDay(r.bucket);
    const g = r.gid === null ? undefined : names.get(String(r.gid));
    const { group, sort } = g ?? { group: { type: f.groupBy!, id: r.gid!, name: String(r.gid) }, sort: '' };
    const scoped: Partial<MetricsRow> = r.own
      ? {
          scope: 'subtree',
          scopeName: UNIT_SCOPE_NAMES.subtree[locale],
          own: { scope: 'own', scopeName: UNIT_SCOPE_NAMES.own[locale], metrics: computeMetrics(r.own, settings, locale, fs), counters: r.own },
        }
      : {};
    return {
      row: {
        bucket: b.label,
        start: b.start,
        end: b.end,
        group: f.groupBy ? group : null,
        metrics: computeMetrics(r.counters, settings, locale, fs),
        counters: r.counters,
        ...scoped,
      },
      sort,
    };
  });
  if (!f.groupBy) {
    const seen = new Set(out.map((r) => r.row.start));
    for (const b of range.buckets) {
      if (seen.has(b.start)) continue;
      const c = zeroCounters();
      out.push({ row: { bucket: b.label, start: b.start, end: b.end, group: null, metrics: computeMetrics(c, settings, locale, fs), counters: c }, sort: '' });
    }
  }
  // By bucket, then by the group's sort key.
  out.sort((a, b) => (a.row.start < b.row.start ? -1 : a.row.start > b.row.start ? 1 : a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  return { range: { start: range.start, end: range.end }, rows: out.map((r) => r.row) };
}
