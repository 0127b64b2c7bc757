import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { maskPhone } from '../tickets/inputs.ts';
import { rowsOf } from '../tickets/queries.ts';
import { decryptPii } from '../privacy/keyring.ts';
import { DEFAULT_SPIKE_RULE, judgeSpike, withDefaults, type SpikeRule } from './rule.ts';

/** A (category, street) pair whose count in the current window stands out against its trailing windows. */
export type Spike = {
  /** Level-2 category (中类) the leaf categories roll up to (a level-1 or level-2 leaf stands for itself). */
  categoryId: number;
  categoryName: string;
  /** Street unit (tickets.street_unit_id); tickets without a street are never flagged. */
  streetUnitId: number;
  streetName: string;
  /** Tickets in the current window. */
  count: number;
  /** Tickets in each trailing window, oldest first. */
  baseline: number[];
  mean: number;
  sd: number;
  /** max(sd, √mean, 1) */
  sigma: number;
  /** mean + k·σ: the count must be above this (and ≥ minCount). */
  threshold: number;
  /** (count − mean) / σ */
  score: number;
  /** The tickets of the current window, newest first (at most 200): a topic opened from the spike links them. */
  ticketIds: number[];
};

/**
 * 重复诉求. kind caller: one caller number with ≥ minTickets tickets; address: one address and leaf category
 * with ≥ minTickets tickets; linked: one ticket that ≥ minTickets − 1 repeat contacts (重复件) were linked into.
 */
export type RepeatedDemand = {
  kind: 'caller' | 'address' | 'linked';
  /** Masked phone number (caller), the address (address) or the ticket number (linked). Never a full phone number. */
  key: string;
  categoryId: number | null;
  categoryName: string | null;
  streetUnitId: number | null;
  streetName: string | null;
  /** Tickets (caller, address) or contacts (linked: the original plus its repeats). */
  count: number;
  /** The tickets involved, newest first (at most 50). */
  ticketIds: number[];
  firstAt: string;
  lastAt: string;
};

export type RepeatRule = { minTickets: number; days: number; limit: number };
export const DEFAULT_REPEAT_RULE: RepeatRule = { minTickets: 3, days: 30, limit: 50 };

export type HotspotOptions = {
  /** The current window is [from, to); each trailing window has the same length and ends where the next begins. */
  from: Date;
  to: Date;
  /** Counting stops here when the period is not over yet (default: to). */
  now?: Date;
  rule?: Partial<SpikeRule>;
  /** Repeated demands look at [end − days, end) when `repeat.days` is given, else at [from, end). */
  repeat?: Partial<RepeatRule>;
};

const DAY = 86_400_000;
const SHANGHAI_OFFSET = 8 * 3_600_000;
/** Asia/Shanghai midnight at or before an instant (the zone has no DST). */
export function shanghaiMidnight(d: Date): Date {
  return new Date(Math.floor((d.getTime() + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET);
}
/** The dashboard's week: the 7 Asia/Shanghai days ending with the day of `now` (today counts up to now). */
export function currentWeek(now: Date): { from: Date; to: Date } {
  const to = new Date(shanghaiMidnight(now).getTime() + DAY);
  return { from: new Date(to.getTime() - 7 * DAY), to };
}

const iso = (v: unknown) => new Date(v as string).toISOString();
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * Spikes and repeated demands for a period. Stable signature: the monthly report imports it.
 *
 * Cost: one range scan of tickets over the (weeks + 1) windows (tickets_created_idx), joined to the small
 * categories table and aggregated by (level-2 category, street, window) in one pass, plus one pass over the
 * current window for the flagged pairs' ticket ids; each repeat kind counts per key over the repeat window and
 * joins back only the kept keys (tickets_created_idx, ticket_events_created_idx). See docs/hotspots.md.
 */
export async function hotspotsForPeriod(db: Db, opts: HotspotOptions): Promise<{ spikes: Spike[]; repeats: RepeatedDemand[] }> {
  const [spikes, repeats] = [await findSpikes(db, opts), await findRepeats(db, opts)];
  return { spikes, repeats };
}

function bounds(opts: HotspotOptions) {
  const length = opts.to.getTime() - opts.from.getTime();
  if (!(length > 0)) throw new RangeError('hotspot period: to must be after from');
  const end = new Date(Math.min(opts.to.getTime(), (opts.now ?? opts.to).getTime()));
  return { length, end };
}

export async function findSpikes(db: Db, opts: HotspotOptions): Promise<Spike[]> {
  const rule: SpikeRule = withDefaults(DEFAULT_SPIKE_RULE, opts.rule);
  const { length, end } = bounds(opts);
  const start = new Date(opts.from.getTime() - rule.weeks * length);
  const from = opts.from.toISOString();
  // Window 0 is the current one; window i ≥ 1 is [from − i·L, from − (i−1)·L).
  const rows = rowsOf<{ category_id: number; category_name: string; street_unit_id: number; street_name: string; w: number; n: number }>(
    await db.execute(sql`
      with rolled as (
        select case when c.level > 2 then c.parent_id else c.id end as category_id, t.street_unit_id,
          greatest(0, ceil(extract(epoch from (${from}::timestamptz - t.created_at)) * 1000 / ${length}))::int as w,
          count(*)::int as n
        from tickets t join categories c on c.id = t.category_id
        where t.created_at >= ${start.toISOString()}::timestamptz and t.created_at < ${end.toISOString()}::timestamptz
          and t.street_unit_id is not null
        group by 1, 2, 3
      ), candidates as (
        select category_id, street_unit_id from rolled where w = 0 and n >= ${rule.minCount}
      )
      select r.category_id, c.name as category_name, r.street_unit_id, u.name as street_name, r.w, r.n
      from rolled r
      join candidates k on k.category_id = r.category_id and k.street_unit_id = r.street_unit_id
      join categories c on c.id = r.category_id
      join units u on u.id = r.street_unit_id`),
  );
  const pairs = new Map<string, { categoryId: number; categoryName: string; streetUnitId: number; streetName: string; counts: number[] }>();
  for (const r of rows) {
    const key = `${r.category_id}:${r.street_unit_id}`;
    let p = pairs.get(key);
    if (!p) {
      p = {
        categoryId: Number(r.category_id),
        categoryName: r.category_name,
        streetUnitId: Number(r.street_unit_id),
        streetName: r.street_name,
        counts: new Array(rule.weeks + 1).fill(0),
      };
      pairs.set(key, p);
    }
    const w = Number(r.w);
    if (w >= 0 && w <= rule.weeks) p.counts[w]! += Number(r.n);
  }
  const flagged = [...pairs.values()]
    .map((p) => ({ p, count: p.counts[0]!, baseline: p.counts.slice(1).reverse() }))
    .map((x) => ({ ...x, v: judgeSpike(x.count, x.baseline, rule) }))
    .filter((x) => x.v.flagged);
  const ids = await spikeTicketIds(
    db,
    flagged.map((x) => x.p),
    opts.from,
    end,
  );
  const spikes: Spike[] = flagged.map(({ p, count, baseline, v }) => ({
    categoryId: p.categoryId,
    categoryName: p.categoryName,
    streetUnitId: p.streetUnitId,
    streetName: p.streetName,
    count,
    baseline,
    mean: v.mean,
    sd: v.sd,
    sigma: v.sigma,
    threshold: v.threshold,
    score: v.score,
    ticketIds: ids.get(`${p.categoryId}:${p.streetUnitId}`) ?? [],
  }));
  return spikes.sort((a, b) => b.score - a.score || b.count - a.count || a.categoryId - b.categoryId || a.streetUnitId - b.streetUnitId);
}

/**
 * The current-window tickets of each flagged (level-2 category, street), newest first, at most 200 each:
 * one pass over the current window for all spikes together.
 */
async function spikeTicketIds(db: Db, pairs: { categoryId: number; streetUnitId: number }[], from: Date, end: Date): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (!pairs.length) return out;
  const list = sql.join(
    pairs.map((p) => sql`(${p.categoryId}::int, ${p.streetUnitId}::int)`),
    sql`, `,
  );
  const rows = rowsOf<{ id: number | string; category_id: number; street_unit_id: number }>(
    await db.execute(sql`
      select id, category_id, street_unit_id from (
        select t.id, k.category_id, t.street_unit_id,
          row_number() over (partition by k.category_id, t.street_unit_id order by t.created_at desc, t.id desc) as rn
        from tickets t
        join categories c on c.id = t.category_id
        cross join lateral (select case when c.level > 2 then c.parent_id else c.id end as category_id) k
        where t.created_at >= ${from.toISOString()}::timestamptz and t.created_at < ${end.toISOString()}::timestamptz
          and (k.category_id, t.street_unit_id) in (${list})
      ) x where rn <= 200
      order by category_id, street_unit_id, rn`),
  );
  for (const r of rows) {
    const key = `${r.category_id}:${r.street_unit_id}`;
    out.set(key, [...(out.get(key) ?? []), Number(r.id)]);
  }
  return out;
}

type RepeatRow = {
  key: string;
  n: number;
  ids: (number | string)[];
  first_at: string;
  last_at: string;
  category_id: number | null;
  category_name: string | null;
  street_unit_id: number | null;
  street_name: string | null;
  sample?: string | null;
};

function repeatOf(kind: RepeatedDemand['kind'], r: RepeatRow, key: string): RepeatedDemand {
  return {
    kind,
    key,
    categoryId: num(r.category_id),
    categoryName: r.category_name,
    streetUnitId: num(r.street_unit_id),
    streetName: r.street_name,
    count: Number(r.n),
    ticketIds: (r.ids ?? []).map(Number),
    firstAt: iso(r.first_at),
    lastAt: iso(r.last_at),
  };
}

export async function findRepeats(db: Db, opts: HotspotOptions): Promise<RepeatedDemand[]> {
  const rule: RepeatRule = withDefaults(DEFAULT_REPEAT_RULE, opts.repeat);
  const { end } = bounds(opts);
  const since = (opts.repeat?.days ? new Date(end.getTime() - rule.days * DAY) : opts.from).toISOString();
  const until = end.toISOString();
  // The most frequent category and street of the group name it; ids newest first, at most 50.
  // Two steps: count per key over the window (cheap), then gather ids, category and street for the few keys kept.
  const grouped = (keyExpr: ReturnType<typeof sql>, where: ReturnType<typeof sql>, sample = sql`null::text`) => sql`
    with g as (
      select ${keyExpr} as key, count(*)::int as n
      from tickets t
      where t.created_at >= ${since}::timestamptz and t.created_at < ${until}::timestamptz and ${where}
      group by 1
      having count(*) >= ${rule.minTickets}
      order by n desc, key
      limit ${rule.limit}
    ), d as (
      select g.key, g.n,
        (array_agg(t.id order by t.created_at desc, t.id desc))[1:50] as ids,
        min(t.created_at) as first_at, max(t.created_at) as last_at,
        mode() within group (order by t.category_id) as category_id,
        mode() within group (order by t.street_unit_id) as street_unit_id,
        min(${sample}) as sample
      from g join tickets t on ${keyExpr} = g.key
      where t.created_at >= ${since}::timestamptz and t.created_at < ${until}::timestamptz and ${where}
      group by g.key, g.n
    )
    select d.*, c.name as category_name, u.name as street_name
    from d left join categories c on c.id = d.category_id left join units u on u.id = d.street_unit_id
    order by d.n desc, d.last_at desc`;

  // Callers by their number's blind index (numbers are encrypted); one of the group's numbers, decrypted, names it masked.
  const callers = rowsOf<RepeatRow>(await db.execute(grouped(sql`t.caller_phone_index`, sql`t.caller_phone_index is not null`, sql`t.caller_phone`)));
  const addresses = rowsOf<RepeatRow>(
    await db.execute(
      grouped(sql`regexp_replace(t.address, '\\s+', '', 'g') || '|' || t.category_id`, sql`t.address is not null and length(trim(t.address)) >= 4`),
    ),
  );
  const linked = rowsOf<RepeatRow>(
    await db.execute(sql`
      with g as (
        select e.ticket_id, count(*)::int as repeats, min(e.created_at) as first_at, max(e.created_at) as last_at
        from ticket_events e
        where e.created_at >= ${since}::timestamptz and e.created_at < ${until}::timestamptz and e.type = 'contact_linked'
        group by 1
        having count(*) >= ${rule.minTickets - 1}
        order by repeats desc, last_at desc
        limit ${rule.limit}
      )
      select t.number as key, g.repeats + 1 as n, array[t.id] as ids, least(t.created_at, g.first_at) as first_at, g.last_at,
        t.category_id, c.name as category_name, t.street_unit_id, u.name as street_name
      from g join tickets t on t.id = g.ticket_id
      left join categories c on c.id = t.category_id left join units u on u.id = t.street_unit_id
      order by n desc, g.last_at desc`),
  );
  return [
    ...callers.map((r) => repeatOf('caller', r, maskPhone(decryptPii(r.sample ?? '')))),
    ...addresses.map((r) => repeatOf('address', r, r.key.slice(0, r.key.lastIndexOf('|')))),
    ...linked.map((r) => repeatOf('linked', r, r.key)),
  ];
}
