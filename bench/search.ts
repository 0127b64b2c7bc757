/**
 * The ticket list and search (GET /api/tickets' domain query, src/domain/tickets/search.ts) at a given number of
 * tickets: typical filtered lists and free-text searches, for the centre and for a street, timed through the
 * product's functions (searchTickets + presentList: the page and its lead units and categories), with the same
 * page query run as bare SQL as the baseline, and the plan (EXPLAIN ANALYZE) of each query.
 *
 * Its dataset `bench_search_<label>` (kept between runs) is the migrated, seeded demo city with the generator's
 * synthetic districts and streets and N tickets written in SQL: a year of receipts, Chinese demands drawn from
 * 40 places × 40 problems (every pair), one lead assignment per dispatched ticket at a random street (so a street holds
 * ≈ 1/2,400 of them), 80 % closed; search terms from the SQL twin ticket_search_terms (migration 0018), of each piece of
 * text once; the lead's deadline, the chain's unit ids (migration 0019) and the open deadline (0021) written with the ticket.
 */
import postgres, { type Sql } from 'postgres';
import { connect, type Db } from '../db/client.ts';
import type { Actor } from '../src/domain/auth/actor.ts';
import { countTickets, presentList, searchQuery, searchTickets, TEXT_WINDOW } from '../src/domain/tickets/search.ts';
import type { TicketFilters } from '../src/domain/tickets/search-filters.ts';
import { freshSeededDb } from './lib/datasets.ts';
import { addSyntheticUnits } from './lib/generate.ts';
import { dbExists, type PgServer } from './lib/pg.ts';

const PLACES =
  '幸福里 光明路 人民广场 解放路 和平小区 建设街 中山路 滨河花园 东湖公园 西城商场 北站 南关 新华书店 春晖苑 阳光城 锦绣家园 文化路 胜利街 青年路 工业园 大学城 体育馆 市场街 老街 花园路 长江路 黄河路 泰山路 金色港湾 翠湖 银河湾 朝阳门 东关 西关 北关 南门 府前街 汇丰苑 龙湖 紫荆花园'.split(
    ' ',
  );
const PROBLEMS =
  '路灯不亮 夜间施工噪音扰民 垃圾清运不及时 下水道堵塞 占道经营 违章停车 供暖不热 停水 小区电梯故障 井盖缺失 树木倒伏 广告牌松动 公交站牌损坏 楼道堆物 油烟扰民 噪音扰民 违法建设 物业服务差 绿化带破坏 道路积水 路面塌陷 燃气异味 宠物扰民 外卖车乱停 共享单车乱放 工地扬尘 拖欠工资 房屋漏水 网络信号差 学校周边拥堵 医院挂号难 社保查询 户口办理 不动产登记 公积金提取 出租车拒载 快递丢失 食品安全 消防通道堵塞 无障碍设施缺失'.split(
    ' ',
  );
const arr = (xs: string[]) => `array[${xs.map((x) => `'${x}'`).join(',')}]`;

/** The tickets' search terms from precomputed pieces (the same set of terms as ticket_search_terms of the whole text, far cheaper per row). */
const TERMS = `(select array_agg(ticket_search_terms(p || q) order by i, j) from unnest(${arr(PLACES)}) with ordinality a(p, i),
      unnest(${arr(PROBLEMS)}) with ordinality b(q, j)) as title,
    (select array_agg(ticket_search_terms(q || '的问题也请一并关注') order by j) from unnest(${arr(PROBLEMS)}) with ordinality b(q, j)) as tail,
    (select array_agg(ticket_search_terms('东城区' || p) order by i) from unnest(${arr(PLACES)}) with ordinality a(p, i)) as street,
    ticket_search_terms('已经持续，希望有关部门尽快处理') as fixed`;

/**
 * The dataset's shape: a kept dataset of another shape is generated again (2: the columns of migrations 0019 and
 * 0021; 3: numbers begin with the Asia/Shanghai day of `created_at`, as intake numbers them).
 */
const SHAPE = 3;

/** Drops a table's secondary indexes (but its keys) and returns what recreates them: a bulk load then builds each once. */
async function withoutIndexes(sql: Sql, table: string): Promise<string[]> {
  const rows = await sql`select indexname, indexdef from pg_indexes i where schemaname = 'public' and tablename = ${table}
    and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
  for (const r of rows) await sql.unsafe(`drop index ${r.indexname}`);
  return rows.map((r) => String(r.indexdef));
}

async function generateSearch(sql: Sql, n: number, log: (m: string) => void) {
  await addSyntheticUnits(sql);
  const ticketIndexes = await withoutIndexes(sql, 'tickets');
  const [{ first }] = (await sql`select coalesce(max(id), 0) + 1 as first from tickets`) as unknown as [{ first: string }];
  const t0 = performance.now();
  // the lead street of ticket g (a hash of g: a stride would tie each street to some statuses), and its chain (centre,
  // district, street: unit_ids as the assignments' triggers keep them)
  await sql.unsafe(`
    insert into tickets (number, status, channel, type, urgency, category_id, title, content, address, caller_name, caller_phone,
                         caller_phone_last4, warning_level, created_at, updated_at, status_changed_at, dispatched_at, closed_at, search_terms,
                         lead_due_at, open_due_at, unit_ids)
    select x.number, x.status::ticket_status, 'phone', 'complaint', case when g % 20 = 0 then 'urgent' else 'normal' end::urgency,
           k.leaves[1 + g % array_length(k.leaves, 1)], x.title, x.content, x.address, '市民' || (g % 997),
           x.phone, right(x.phone, 4), case when g % 50 = 0 then 'red' when g % 23 = 0 then 'yellow' else 'none' end::warning_level,
           x.at, x.at, x.at, case when x.status <> 'awaiting_dispatch' then x.at + interval '10 minutes' end,
           case when x.status = 'closed' then x.at + (g % 15) * interval '1 day' end,
           concat_ws(' ', w.title[1 + ((g / 40) % 40) * 40 + g % 40], w.fixed, (1 + g % 9)::text, w.tail[1 + (g / 1600) % 40],
             w.street[1 + (g / 7) % 40], (g % 200)::text),
           case when x.status <> 'awaiting_dispatch' then x.at + interval '5 days' end,
           case when x.status in ('awaiting_sign', 'in_progress') then x.at + interval '5 days' end,
           case when x.status <> 'awaiting_dispatch' then s.chains[1 + (hashint4(g) & 2147483647) % array_length(s.chains, 1)]::integer[] else '{}' end
    from (select array_agg(id order by id) as leaves from categories c where not exists (select 1 from categories k where k.parent_id = c.id)) k,
    (select array_agg((select array_agg(p::int order by p::int) from unnest(string_to_array(trim(both '/' from path), '/')) p)::text order by id) as chains
       from units where kind = 'street') s,
    (select ${TERMS}) w,
    generate_series(1, ${n}) g,
    lateral (select
      to_char(d at time zone 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad((g / 366)::text, 6, '0') as number,
      d + (g % 86400) * interval '1 second' as at,
      case when g % 10 < 8 then 'closed' when g % 20 = 16 then 'awaiting_dispatch' when g % 20 = 17 then 'awaiting_sign' else 'in_progress' end as status,
      (${arr(PLACES)})[1 + (g / 40) % 40] || (${arr(PROBLEMS)})[1 + g % 40] as title,
      (${arr(PLACES)})[1 + (g / 40) % 40] || (${arr(PROBLEMS)})[1 + g % 40] || '，已经持续' || (1 + g % 9) || '天，希望有关部门尽快处理。'
        || (${arr(PROBLEMS)})[1 + (g / 1600) % 40] || '的问题也请一并关注。' as content,
      '东城区' || (${arr(PLACES)})[1 + (g / 7) % 40] || (g % 200) || '号' as address,
      '13' || lpad(((g::bigint * 7919) % 1000000000)::text, 9, '0') as phone
      from (select timestamptz '2025-01-01 00:00+08' + (g % 366) * interval '1 day' as d) dd) x;`);
  log(`  tickets: ${Math.round((performance.now() - t0) / 1000)} s`);
  // the pieces' terms must be the whole text's (checked on a sample, as sets of lexemes)
  const lexemes = (terms: string) => `(select array_agg(l order by l) from unnest(tsvector_to_array(to_tsvector('simple', ${terms}))) l)`;
  const [odd] = await sql.unsafe(`select count(*)::int as n from (select * from tickets where id >= ${first} order by id limit 2000) t
    where ${lexemes('search_terms')} is distinct from ${lexemes(`ticket_search_terms(concat_ws(' ', title, content, address))`)}`);
  if (Number(odd!.n) > 0) throw new Error(`search terms of ${odd!.n} sample tickets differ from ticket_search_terms`);
  const t1 = performance.now();
  const assignmentIndexes = await withoutIndexes(sql, 'assignments');
  // unit_ids and lead_due_at are already written above: the triggers that keep them need not run for the bulk load
  await sql.unsafe('alter table assignments disable trigger assignments_chain_insert');
  await sql.unsafe(`
    insert into assignments (ticket_id, unit_id, role, status, dispatched_at, complete_due_at, ended_at, signed_at)
    select t.id, t.unit_ids[array_length(t.unit_ids, 1)], 'lead',
           case t.status when 'closed' then 'closed' when 'awaiting_sign' then 'awaiting_sign' else 'in_progress' end::assignment_status,
           t.dispatched_at, t.lead_due_at, t.closed_at, case when t.status <> 'awaiting_sign' then t.dispatched_at end
    from tickets t where t.id >= ${first} and t.status <> 'awaiting_dispatch';`);
  await sql.unsafe('alter table assignments enable trigger assignments_chain_insert');
  log(`  assignments: ${Math.round((performance.now() - t1) / 1000)} s`);
  const t2 = performance.now();
  for (const def of [...ticketIndexes, ...assignmentIndexes]) await sql.unsafe(def);
  await sql.unsafe('vacuum analyze tickets');
  await sql.unsafe('vacuum analyze assignments');
  log(`  indexes + vacuum analyze: ${Math.round((performance.now() - t2) / 1000)} s`);
  await sql.unsafe('create schema if not exists bench');
  await sql.unsafe('create table if not exists bench.meta (key text primary key, value jsonb not null)');
  await sql`insert into bench.meta (key, value) values ('search', ${sql.json({ tickets: n, shape: SHAPE })})
    on conflict (key) do update set value = excluded.value`;
}

async function ensureSearchDataset(server: PgServer, label: string, n: number, log: (m: string) => void): Promise<{ url: string; reused: boolean }> {
  const name = `bench_search_${label}`;
  if (await dbExists(server, name)) {
    const sql = postgres(server.url(name), { max: 1, onnotice: () => {} });
    const rows = await sql`select value from bench.meta where key = 'search'`.catch(() => []);
    await sql.end();
    const meta = rows[0]?.value as { tickets?: number; shape?: number } | undefined;
    if (meta?.tickets === n && meta.shape === SHAPE) return { url: server.url(name), reused: true };
  }
  log(`generating ${name} (${n.toLocaleString('en')} tickets)…`);
  const url = await freshSeededDb(server, name);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await generateSearch(sql, n, log).finally(() => sql.end());
  return { url, reused: false };
}

async function actorOf(sql: Sql, where: string): Promise<Actor> {
  const [u] = await sql.unsafe(
    `select u.id, u.username, u.display_name, u.role, u.unit_id, n.path from users u join units n on n.id = u.unit_id where ${where} limit 1`,
  );
  return {
    userId: u!.id,
    username: u!.username,
    displayName: u!.display_name,
    role: u!.role,
    unitId: u!.unit_id,
    unitPath: u!.path,
    via: 'token',
    ip: null,
    requestId: null,
  } as unknown as Actor;
}

const pct = (ms: number[], p: number) => {
  const s = [...ms].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN) * 10) / 10;
};

export type SearchCase = { name: string; who: 'centre' | 'street'; kind: 'list' | 'text' | 'count'; filters: TicketFilters };
export type SearchFigure = SearchCase & { p50: number; p95: number; p99: number; raw: { p50: number; p95: number; p99: number }; rows: number; plan: string[] };

/** The scenarios: what a 工单查询 screen and the navigation's view counts ask for all day. */
function cases(district: number, number: string): SearchCase[] {
  return [
    { name: 'newest first, no filter', who: 'centre', kind: 'list', filters: {} },
    { name: 'status in progress', who: 'centre', kind: 'list', filters: { status: 'in_progress' } },
    { name: 'a district (subtree) + open statuses', who: 'centre', kind: 'list', filters: { unitId: district, status: 'awaiting_sign,in_progress' } },
    { name: 'number, exact', who: 'centre', kind: 'list', filters: { number } },
    { name: 'number without dash, day prefix', who: 'centre', kind: 'list', filters: { number: number.slice(0, 8) } },
    { name: 'caller phone, last 4 digits', who: 'centre', kind: 'list', filters: { phone: '7919' } },
    { name: 'received in one week, urgent', who: 'centre', kind: 'list', filters: { receivedFrom: '2025-06-02', receivedTo: '2025-06-08', urgency: 'urgent' } },
    { name: 'red warning, sorted by due', who: 'centre', kind: 'list', filters: { warningLevel: 'red', sort: 'due' } },
    { name: 'overdue (open, past due)', who: 'centre', kind: 'list', filters: { overdue: 'true' } },
    { name: 'street: its newest', who: 'street', kind: 'list', filters: {} },
    { name: 'street: in progress', who: 'street', kind: 'list', filters: { status: 'in_progress' } },
    { name: 'view count: open at a district (≤ 1000)', who: 'centre', kind: 'count', filters: { unitId: district, status: 'awaiting_sign,in_progress' } },
    { name: 'text: 路灯不亮 (common)', who: 'centre', kind: 'text', filters: { q: '路灯不亮' } },
    { name: 'text: 幸福里 + 电梯故障 (rarer pair)', who: 'centre', kind: 'text', filters: { q: '幸福里电梯故障' } },
    { name: 'text: 燃气异味, open only', who: 'centre', kind: 'text', filters: { q: '燃气异味', status: 'awaiting_sign,in_progress' } },
    { name: 'street: text 噪音', who: 'street', kind: 'text', filters: { q: '噪音' } },
    { name: 'street: text + status', who: 'street', kind: 'text', filters: { q: '垃圾清运', status: 'closed' } },
  ];
}

export async function benchSearch(server: PgServer, label: string, n: number, opts: { runs: number; log: (m: string) => void }) {
  const ds = await ensureSearchDataset(server, label, n, opts.log);
  const sql = postgres(ds.url, { max: 2, onnotice: () => {} });
  const database = await connect({ url: ds.url, max: 2 });
  const db = database.db as Db;
  try {
    const centre = await actorOf(sql, `u.role = 'dispatcher'`);
    // the street with the most assignments: the heaviest street list
    const [busiest] = await sql`select unit_id from assignments group by unit_id order by count(*) desc limit 1`;
    const street = await actorOf(sql, `u.role = 'unit_handler' and u.unit_id = ${Number(busiest!.unit_id)}`);
    const [district] = await sql`select parent_id from units where id = ${Number(busiest!.unit_id)}`;
    const [some] = await sql`select number from tickets order by id desc limit 1 offset 1000`;
    const now = new Date('2026-01-01T00:00:00Z');
    const out: SearchFigure[] = [];
    for (const c of cases(Number(district!.parent_id), String(some!.number))) {
      const actor = c.who === 'centre' ? centre : street;
      const page = { filters: c.filters, limit: 50 };
      const app: number[] = [];
      const raw: number[] = [];
      let rows = 0;
      // the bare baseline sends what searchTickets sends: for free text the window first, the whole list when it falls short
      const q = searchQuery(db, actor, page, now, TEXT_WINDOW).query.toSQL();
      const whole = searchQuery(db, actor, page, now).query.toSQL();
      const bare = async () => {
        const r = await sql.unsafe(q.sql, q.params as never[]);
        if (c.filters.q && r.length <= page.limit) await sql.unsafe(whole.sql, whole.params as never[]);
        return r.length;
      };
      let windowRows = 0;
      for (let i = 0; i < opts.runs + 2; i++) {
        const t0 = performance.now();
        if (c.kind === 'count') rows = (await countTickets(db, actor, c.filters, now)).count;
        else rows = (await presentList(db, actor, (await searchTickets(db, actor, page, now)).rows)).length;
        const t1 = performance.now();
        windowRows = await bare();
        const t2 = performance.now();
        if (i >= 2) app.push(t1 - t0), raw.push(t2 - t1);
      }
      const explain = async (x: { sql: string; params: unknown[] }) =>
        (await sql.unsafe(`explain (analyze, buffers off, timing off, summary off) ${x.sql}`, x.params as never[])).map((r) => r['QUERY PLAN'] as string);
      const plan = await explain(q);
      if (c.filters.q && windowRows <= page.limit) plan.push('-- the window fell short: the whole list', ...(await explain(whole)));
      const fig = {
        ...c,
        p50: pct(app, 0.5),
        p95: pct(app, 0.95),
        p99: pct(app, 0.99),
        raw: { p50: pct(raw, 0.5), p95: pct(raw, 0.95), p99: pct(raw, 0.99) },
        rows,
        plan,
      };
      opts.log(`  ${c.name}: p50 ${fig.p50} ms, p95 ${fig.p95} ms, p99 ${fig.p99} ms (bare page SQL p95 ${fig.raw.p95} ms), ${rows} rows`);
      out.push(fig);
    }
    return { tickets: n, reused: ds.reused, runs: opts.runs, figures: out };
  } finally {
    await sql.end();
    await database.close();
  }
}
