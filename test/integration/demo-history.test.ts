/**
 * The demo's promises: after the city and its history are seeded with a fixed "now", every
 * screen a newcomer opens shows work — the wallboard's rates, trend, rankings and hotspots, last month's
 * report, each role's queue — the history is made of varied, plausible demands at plausible times, and it
 * takes a bounded time (logged as a benchmark line). Through the HTTP API as each demo account sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/seed/city.ts';
import { seedHistory, type HistoryReport } from '../../src/demo/history.ts';
import { seedDemoOnce } from '../../src/demo/seed.ts';
import { connect } from '../../db/client.ts';
import { testConfig } from '../../src/config.ts';
import { pino } from 'pino';
import { LEAVES } from '../../src/demo/demands.ts';
import { checkReportMonth, lastMonth } from '../../src/domain/reports/commands.ts';
import { computeMonthlyFigures } from '../../src/domain/reports/figures.ts';
import { loadMetricSettings } from '../../src/domain/metrics/settings.ts';
import { MOBILE } from '../../src/contract/phone.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import { driver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { cookieSignIn } from '../setup/sign-in.ts';
import { startApi, type Api } from '../setup/server.ts';
import { phoneIndex } from '../../src/domain/privacy/caller-index.ts';
import { decryptPii } from '../../src/domain/privacy/keyring.ts';

/** A Wednesday afternoon in November 2026 (Asia/Shanghai 14:30): October is the report's month. */
const NOW = '2026-11-18T06:30:00.000Z';
const DAYS = 90;

let database: Database;
let deps: TestDeps;
let api: Api;
let report: HistoryReport;
const cookies = new Map<string, string>();

const rows = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await deps.db.execute(q));

/** GET as a demo account (signed in once with the demo password, and the demo code where the role needs one). */
async function get(username: string, path: string) {
  let cookie = cookies.get(username);
  if (!cookie) {
    cookie = (await cookieSignIn(api.base, username, DEMO_PASSWORD, { now: () => deps.clock.now() })).cookie;
    cookies.set(username, cookie);
  }
  const r = await api.call('GET', path, { headers: { cookie } });
  expect(r.status, `${username} GET ${path}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
  return r.body;
}

beforeAll(async () => {
  database = await freshDatabase();
  // Demo mode: the demo accounts sign in with the demo password (outside it they would have to change it first).
  deps = makeDeps(database, { SEED_DEMO: true }, NOW);
  await seedDemo(deps.db);
  report = await seedHistory(deps, { now: new Date(NOW), days: DAYS });
  // The benchmark line: how long the first start spends on the history, and on what.
  console.log(
    `[bench] demo history on ${driver}: ${report.contacts} contacts, ${report.tickets} tickets, ${report.commands} commands, ${report.sweeps} sweeps in ${report.ms} ms; heaviest: ${JSON.stringify(Object.fromEntries(Object.entries(report.timings).slice(0, 6)))}`,
  );
  api = await startApi(deps);
}, 240_000);

afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('the history itself', () => {
  it('runs every step without a failure, ends at "now", within a generous bound', () => {
    expect(report.failures).toEqual([]);
    expect(report.to).toBe(NOW);
    expect(new Date(report.from).getTime()).toBeLessThan(new Date(NOW).getTime() - (DAYS - 1) * 86_400_000);
    expect(report.contacts).toBeGreaterThanOrEqual(120);
    expect(report.commands).toBeGreaterThan(report.contacts * 3);
    // Loose: the first start's budget is ~30 s on a 2-core machine; a shared CI runner may be several times slower.
    expect(report.ms).toBeLessThan(180_000);
  });

  it('leaves nothing after "now" and nothing before the start', async () => {
    const [r] = await rows<{ first: string; last: string; future: number }>(sql`
      select min(created_at) as first, max(created_at) as last, count(*) filter (where created_at > ${NOW}::timestamptz)::int as future from ticket_events`);
    expect(r!.future).toBe(0);
    expect(new Date(r!.first).getTime()).toBeGreaterThanOrEqual(new Date(report.from).getTime());
    const [c] = await rows<{ bad: number }>(sql`
      select count(*)::int as bad from ticket_events e join assignments a on a.id = e.assignment_id
      where e.type = 'contact' and (e.payload->>'contactedAt')::timestamptz < a.dispatched_at`);
    expect(c!.bad).toBe(0);
  });

  it('has demands for every leaf category of the demo tree, varied and plausible', async () => {
    const leaves = await rows<{ path: string }>(sql`
      with recursive p as (
        select id, name::text as path from categories where parent_id is null
        union all select c.id, p.path || '/' || c.name from categories c join p on c.parent_id = p.id)
      select path from p where not exists (select 1 from categories k where k.parent_id = p.id) order by path`);
    expect(LEAVES.map((l) => l.path).sort()).toEqual(leaves.map((l) => l.path));
    for (const l of LEAVES) {
      expect(l.demands.length, l.path).toBeGreaterThanOrEqual(2);
      expect(l.replies.length, l.path).toBeGreaterThanOrEqual(1);
    }
    // The callers' names and numbers are encrypted at rest: read back through the keys.
    const all = (
      await rows<{ content: string; title: string; caller_name: string | null; caller_phone: string; category_id: number }>(sql`
      select content, title, caller_name, caller_phone, category_id from tickets`)
    ).map((t) => ({ ...t, caller_phone: decryptPii(t.caller_phone), caller_name: t.caller_name === null ? null : decryptPii(t.caller_name) }));
    const text = all.map((t) => `${t.title}\n${t.content}`).join('\n');
    for (const bad of ['测试', 'undefined', 'NaN', '${', 'null']) expect(text, bad).not.toContain(bad);
    expect(new Set(all.map((t) => t.content)).size / all.length).toBeGreaterThan(0.9);
    expect(new Set(all.map((t) => t.category_id)).size).toBeGreaterThanOrEqual(25);
    for (const t of all) {
      expect(t.caller_phone).toMatch(MOBILE);
      expect(t.caller_name?.length ?? 0).toBeGreaterThanOrEqual(2);
    }
    // Callers call again: several numbers with more than one ticket.
    const [again] = await rows<{ n: number }>(sql`select count(*)::int as n from (select caller_phone_index from tickets group by 1 having count(*) > 1) x`);
    expect(again!.n).toBeGreaterThanOrEqual(2);
  });

  it('finds each address in the street it names, as routing does for a real call', async () => {
    const placed = await rows<{ address: string; street: string | null }>(sql`
      select t.address, u.name as street from tickets t left join units u on u.id = t.street_unit_id where t.address is not null`);
    expect(placed.length).toBeGreaterThan(50);
    for (const p of placed) {
      expect(p.street, p.address).not.toBeNull();
      expect(p.address).toContain(p.street!);
    }
  });

  it('weights calls to working hours, with fewer on weekends and holidays', async () => {
    // Each day of the period as the calendar table has it (a holiday, a make-up working day, else the weekday).
    const [r] = await rows<{ working: number; off: number; working_days: number; off_days: number; office: number; total: number }>(sql`
      with days as (
        select g::date as day,
          coalesce((select c.kind = 'holiday' from calendar_days c where c.day = g::date), extract(isodow from g) in (6, 7)) as off
        from generate_series((${report.from}::timestamptz at time zone 'Asia/Shanghai')::date + 1, (${NOW}::timestamptz at time zone 'Asia/Shanghai')::date - 1, '1 day') g),
      c as (select (created_at at time zone 'Asia/Shanghai') as local from contacts)
      select count(*) filter (where not d.off)::int as working, count(*) filter (where d.off)::int as off,
        (select count(*) from days where not off)::int as working_days, (select count(*) from days where off)::int as off_days,
        count(*) filter (where extract(hour from c.local) between 8 and 17)::int as office, count(*)::int as total
      from c join days d on d.day = c.local::date`);
    expect(r!.working / r!.working_days).toBeGreaterThan((1.5 * r!.off) / r!.off_days);
    expect(r!.office / r!.total).toBeGreaterThan(0.6);
  });

  it('has every channel and every way of triage: direct answers, not accepted, transferred, merged, repeats, window, online', async () => {
    const reasons = await rows<{ close_reason: string; n: number }>(
      sql`select close_reason, count(*)::int as n from tickets where close_reason is not null group by 1`,
    );
    const by = Object.fromEntries(reasons.map((r) => [r.close_reason, r.n]));
    for (const r of ['direct_answer', 'not_accepted', 'emergency_transfer', 'merged', 'completed', 'terminated', 'supervisor_closed'])
      expect(by[r] ?? 0, r).toBeGreaterThan(0);
    expect(by.direct_answer).toBeGreaterThan(report.contacts * 0.15);
    const channels = await rows<{ channel: string }>(sql`select distinct channel from tickets`);
    expect(channels.map((c) => c.channel).sort()).toEqual(['online', 'phone', 'window']);
    const [repeats] = await rows<{ n: number }>(sql`select count(*)::int as n from contacts where is_repeat`);
    expect(repeats!.n).toBeGreaterThanOrEqual(3);
  });
});

describe('the wallboard (supervisor1)', () => {
  it("this month's gauges read figures, not —", async () => {
    const m = await get('supervisor1', '/api/metrics?period=month&from=2026-11');
    const metrics = m.rows[0].metrics;
    for (const k of ['response_rate', 'solved_rate', 'satisfaction_rate', 'reply_rate', 'completion_rate', 'direct_answer_rate', 'timely_dispatch_rate']) {
      expect(metrics[k].value, k).not.toBeNull();
      expect(metrics[k].denominator, k).toBeGreaterThan(0);
    }
    // Not a flawless city: something missed its time.
    expect(metrics.response_rate.value).toBeLessThan(1);
    expect(m.freshness.pendingEvents).toBe(0);
  });

  it('好差评: callers have rated, and some bad ratings have been verified to an outcome (rectified or dismissed)', async () => {
    const m = await get('supervisor1', '/api/metrics?period=quarter&from=2026-Q4');
    const metrics = m.rows[0].metrics;
    expect(metrics.good_review_rate.denominator).toBeGreaterThan(5);
    expect(metrics.good_review_rate.value).toBeGreaterThan(0.5);
    expect(metrics.bad_review_rate.numerator).toBeGreaterThan(0);
    const v = await get('supervisor1', '/api/rating-verifications?limit=100');
    const statuses = new Set(v.items.map((i: { status: string }) => i.status));
    expect(statuses.has('rectified') || statuses.has('dismissed'), [...statuses].join()).toBe(true);
    expect(v.items.length).toBeGreaterThan(1);
  });

  it('the 14-day trend has intake on most days', async () => {
    const d = await get('supervisor1', '/api/metrics?period=day&from=2026-11-05&to=2026-11-18');
    expect(d.rows).toHaveLength(14);
    expect(d.rows.filter((r: { counters: { contacts: number } }) => r.counters.contacts > 0).length).toBeGreaterThanOrEqual(9);
  });

  it('rankings list streets and departments, red and black', async () => {
    for (const level of ['street', 'department']) {
      const r = await get('supervisor1', `/api/metrics/rankings?level=${level}`);
      expect(r.ranked.length, level).toBeGreaterThanOrEqual(2);
      expect(r.red.length, level).toBeGreaterThan(0);
    }
  });

  it("hotspots: this week's spikes (停水 in 柳浪街道, building-site noise in 南湖街道) and repeated demands", async () => {
    const h = await get('supervisor1', '/api/hotspots');
    const spikes = h.spikes.map((s: { categoryName: string; streetName: string }) => `${s.categoryName}@${s.streetName}`);
    expect(spikes).toContain('供水@柳浪街道');
    expect(spikes).toContain('噪声污染@南湖街道');
    expect(h.repeats.length).toBeGreaterThan(0);
    // An earlier spike became a governance topic, in progress.
    const [topic] = await rows<{ title: string; status: string; n: number }>(sql`
      select t.title, t.status, (select count(*)::int from governance_topic_tickets g where g.topic_id = t.id) as n from governance_topics t`);
    expect(topic).toMatchObject({ title: '湖滨街道市容环境问题综合治理', status: 'in_progress' });
    expect(topic!.n).toBeGreaterThanOrEqual(5);
  });

  it('overdue tickets are open with their 催办 and 督办; some were pressed by hand; some reopened and appealed', async () => {
    const [o] = await rows<{ overdue: number; reopened: number; pressed: number }>(sql`
      select count(*) filter (where warning_level = 'overdue' and status <> 'closed')::int as overdue,
        count(*) filter (where redo_count > 0)::int as reopened,
        (select count(*)::int from ticket_events where type = 'supervise') as pressed
      from tickets`);
    expect(o!.overdue).toBeGreaterThanOrEqual(3);
    expect(o!.reopened).toBeGreaterThanOrEqual(2);
    expect(o!.pressed).toBeGreaterThanOrEqual(1);
    const items = await get('supervisor1', '/api/sla/supervision?kind=supervision&open=true&limit=50');
    expect(items.items.length).toBeGreaterThan(0);
    const disputed = await get('supervisor1', '/api/callbacks/disputed');
    expect(disputed.items.length).toBeGreaterThanOrEqual(1);
    for (const status of ['pending', 'approved', 'rejected']) {
      const a = await get('supervisor1', `/api/appeals?status=${status}`);
      expect(a.items.length, status).toBeGreaterThan(0);
    }
  });
});

describe("every role's workbench holds work", () => {
  it('dispatcher1: awaiting dispatch, replies, a return, an extension and a termination to review', async () => {
    for (const status of ['awaiting_dispatch', 'awaiting_review', 'return_requested', 'termination_requested']) {
      const r = await get('dispatcher1', `/api/tickets?status=${status}`);
      expect(r.items.length, status).toBeGreaterThan(0);
    }
    const w = await get('dispatcher1', '/api/centre/waiting?limit=5');
    const total = (c: string) => w.clocks.find((x: { clock: string }) => x.clock === c)?.total ?? 0;
    for (const c of ['dispatch', 'reply_review', 'return_review', 'extension_review', 'termination_review', 'callback']) expect(total(c), c).toBeGreaterThan(0);
  });

  it('handler.s-donghua (the README tour): to sign, in progress and overdue, with 催办', async () => {
    const r = await get('handler.s-donghua', '/api/tickets?status=awaiting_sign,in_progress,awaiting_review,return_requested,termination_requested');
    const statuses = r.items.map((t: { status: string }) => t.status);
    expect(statuses).toContain('awaiting_sign');
    expect(statuses).toContain('in_progress');
    const reminders = await get('handler.s-donghua', '/api/sla/reminders?open=true');
    expect(reminders.items.length).toBeGreaterThan(0);
  });

  it('the chain of levels: 东城区 and 东华街道 each have a sub-unit decision waiting on their desks', async () => {
    const street = await get('handler.s-donghua', '/api/chain/workbench');
    expect(street.decisions.map((d: { status: string; unit: { kind: string } }) => `${d.unit.kind}:${d.status}`)).toContain('community:replied');
    const district = await get('handler.d-dongcheng', '/api/chain/workbench');
    const waiting = district.decisions.map((d: { status: string; request: { kind: string } | null }) => d.request?.kind ?? d.status);
    expect(waiting).toEqual(expect.arrayContaining(['replied', 'extension']));
    expect(district.subs.length).toBeGreaterThanOrEqual(3);
  });

  it('callback1: the callback queue', async () => {
    const q = await get('callback1', '/api/callbacks/queue');
    expect(q.items.length).toBeGreaterThan(0);
  });

  it("operator1: the README's caller (13812345678) has called before", async () => {
    const h = await get('operator1', '/api/intake/caller-history?phone=13812345678');
    expect(h.items.length).toBeGreaterThanOrEqual(3);
    const [w] = await rows<{ n: number; open: number }>(sql`
      select count(*)::int as n, count(*) filter (where status <> 'closed')::int as open from tickets
      where caller_phone_index = ${phoneIndex('13812345678')} and address like '%东华街道幸福里%'`);
    expect(w).toEqual({ n: 3, open: 1 });
  });

  it('leader.s-donghua and leader.s-yunling (the README) each see a pending appeal of their unit', async () => {
    for (const code of ['s-donghua', 's-yunling']) {
      const a = await get(`leader.${code}`, '/api/appeals?status=pending');
      expect(a.items.length, code).toBeGreaterThan(0);
    }
  });

  it('clerk1 logged window complaints; admin reads the SMS outbox the history left, delivered', async () => {
    const w = await get('clerk1', '/api/tickets?channel=window&mine=true');
    expect(w.items.length).toBeGreaterThan(0);
    const [n] = await rows<{ sent: number; pending: number }>(sql`
      select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'pending')::int as pending from notifications`);
    expect(n!.sent).toBeGreaterThan(50);
    const outbox = await get('admin', '/api/admin/notifications');
    expect(outbox.items.length).toBeGreaterThan(0);
  });
});

describe("last month's analysis report", () => {
  it('October can be generated: the month is over and has tickets; its figures are filled in', async () => {
    const now = new Date(NOW);
    const month = lastMonth(now);
    expect(month).toBe('2026-10');
    await expect(checkReportMonth(deps.db, month, now)).resolves.toBeUndefined();
    const f = await computeMonthlyFigures(deps.db, month, { settings: await loadMetricSettings(deps.db), now });
    expect(f.overview.contacts.current).toBeGreaterThan(30);
    expect(f.overview.contacts.previous).toBeGreaterThan(0);
    for (const k of ['response_rate', 'solved_rate', 'satisfaction_rate']) expect(f.overview.rates.find((r) => r.key === k)?.value, k).not.toBeNull();
    const streets = f.units.levels.find((l) => l.level === 'street')!;
    expect(streets.red.length + streets.black.length).toBeGreaterThan(0);
    expect(f.categories.top.length).toBeGreaterThanOrEqual(5);
    expect(f.typicalCases.length).toBeGreaterThan(0);
  });
});

describe('at an awkward hour', () => {
  it('a first start at 03:00 on a holiday (5 October) still finds work in every queue', async () => {
    const at = '2026-10-04T19:00:00.000Z';
    const db = await freshDatabase();
    try {
      const d = makeDeps(db, {}, at);
      await seedDemo(d.db);
      const r = await seedHistory(d, { now: new Date(at), days: 14 });
      expect(r.failures).toEqual([]);
      const count = async (q: ReturnType<typeof sql>) => Number(rowsOf<{ n: number }>(await d.db.execute(q))[0]!.n);
      const status = (s: string) => count(sql`select count(*)::int as n from tickets where status = ${s}`);
      for (const s of [
        'awaiting_dispatch',
        'awaiting_review',
        'return_requested',
        'termination_requested',
        'awaiting_callback',
        'callback_disputed',
        'in_progress',
      ]) {
        expect(await status(s), s).toBeGreaterThan(0);
      }
      expect(await count(sql`select count(*)::int as n from assignment_requests where kind = 'extension' and status = 'pending'`)).toBeGreaterThan(0);
      expect(await count(sql`select count(*)::int as n from appeals where status = 'pending'`)).toBeGreaterThan(0);
      expect(await count(sql`select count(*)::int as n from tickets where warning_level = 'overdue' and status <> 'closed'`)).toBeGreaterThan(0);
      expect(
        await count(
          sql`select count(*)::int as n from assignments a join units u on u.id = a.unit_id where u.code = 's-donghua' and a.status = 'awaiting_sign'`,
        ),
      ).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe('several instances starting together', () => {
  it('one seeds the city and its history; the others wait for it, then find the city and seed nothing', async () => {
    const at = new Date(NOW);
    const db = await freshDatabase();
    // A second instance has a pool of its own (PGlite: one process per data folder, so the same database).
    const other = driver === 'postgres' ? await connect({ url: (db as Database & { url: string }).url, max: 4 }) : db;
    try {
      const base = (d: Database) => ({ db: d.db, database: d, config: testConfig({}), logger: pino({ level: 'silent' }) });
      const done: string[] = [];
      const [a, b] = await Promise.all([
        seedDemoOnce(base(db), { historyDays: 6, now: at }).then((r) => (done.push('a'), r)),
        seedDemoOnce(base(other), { historyDays: 6, now: at }).then((r) => (done.push('b'), r)),
      ]);
      expect([a.seeded, b.seeded].sort()).toEqual([false, true]);
      const winner = a.seeded ? a : b;
      expect(winner.history!.failures).toEqual([]);
      expect((a.seeded ? b : a).history).toBeNull();
      const [n] = rowsOf<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from tickets`));
      expect(n!.n).toBe(winner.history!.tickets);
      // On PostgreSQL the other instance waited for the history, not only for the city.
      if (driver === 'postgres') expect(done).toEqual(a.seeded ? ['a', 'b'] : ['b', 'a']);
    } finally {
      if (other !== db) await other.close();
      await db.close();
    }
  }, 120_000);
});

describe('determinism', () => {
  it('the same seed and "now" make the same history', async () => {
    const make = async () => {
      const db = await freshDatabase();
      const d = makeDeps(db, {}, NOW);
      await seedDemo(d.db);
      const r = await seedHistory(d, { now: new Date(NOW), days: 8 });
      // The number's blind index: the ciphertext itself differs from run to run (a random IV).
      const t = rowsOf<{ number: string; title: string; status: string; caller_phone_index: string; created_at: string }>(
        await d.db.execute(sql`select number, title, status, caller_phone_index, created_at::text from tickets order by id`),
      );
      await db.close();
      return { contacts: r.contacts, commands: r.commands, tickets: t };
    };
    const [a, b] = [await make(), await make()];
    expect(a.tickets.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
  }, 120_000);
});
