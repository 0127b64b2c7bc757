import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { audit } from '../../src/domain/audit.ts';
import { sealAudit, verifyChain } from '../../src/domain/audit-chain.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import {
  addMonths,
  ensurePartitionsAhead,
  monthOf,
  monthStart,
  partitionByMonth,
  partitionName,
  partitionStatus,
  type ConvertResult,
} from '../../src/ops/partition.ts';
import { createPartitionsAhead } from '../../src/jobs/partitions.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { leadOf, ticketFlow } from '../setup/ticket-flow.ts';
import { makeWorld, type World } from '../setup/world.ts';
import { phoneIndex } from '../../src/domain/privacy/caller-index.ts';

// The data before the conversion is from January 2026 (the clock), the audit log's from today (its `at` is
// the database's now()). After the conversion the clock moves to March.
const JAN = '2026-01-20T02:00:00.000Z';
const MAR = '2026-03-10T02:00:00.000Z';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;
let flow: ReturnType<typeof ticketFlow>;
let before: { ticketId: number; maxEventId: number };
let results: ConvertResult[];
const auditNextMonth = partitionName('audit_log', addMonths(monthOf(new Date()), 1));

/**
 * The conversion keeps the client idle for seconds; on a loaded machine the server's keep-alive timeout can
 * close the pooled socket just as fetch reuses it (ECONNRESET before the request is read). Such a request
 * never reached the app, so it is sent again — once.
 */
function retryingResets(a: Api): Api {
  const reset = (e: unknown) => /ECONNRESET|UND_ERR_SOCKET|other side closed/.test(String((e as { cause?: unknown })?.cause ?? e));
  return { ...a, call: (...args) => a.call(...args).catch((e) => (reset(e) ? a.call(...args) : Promise.reject(e))) };
}

const rows = <T>(text: string, params: unknown[] = []) => database.query<T>(text, params);
const partitionsOf = async (table: string, where: string, params: unknown[] = []) =>
  (await rows<{ p: string }>(`select distinct tableoid::regclass::text as p from ${table} where ${where} order by 1`, params)).map((r) => r.p);

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, JAN);
  api = retryingResets(await startApi(deps));
  w = await makeWorld(deps.db);
  flow = ticketFlow(api, w);
  // January: one ticket through the callback, one waiting to be dispatched; a read of contact details audited.
  const v = await flow.awaitingCallback();
  await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' });
  await flow.create({ caller: { name: '赵女士', phone: '13900000001' } });
  await audit(deps.db, w.dispatcher.actor, 'contact_viewed', { type: 'ticket', id: v.id });
  const [m] = await rows<{ max: number }>(`select max(id)::int as max from ticket_events`);
  before = { ticketId: v.id, maxEventId: m!.max };
  await rollup(deps, deps.clock.now());
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('npm run db:partition: ticket_events and audit_log to monthly partitions, in place', () => {
  it('the partition job is a no-op while nothing is partitioned', async () => {
    expect(await createPartitionsAhead(deps, deps.clock.now())).toEqual({ locked: true, created: [] });
    expect((await partitionStatus(deps.db)).map((s) => s.partitioned)).toEqual([false, false]);
  });

  it('converts both tables, keeps every row in the legacy partition and creates the months ahead', async () => {
    const counts = async () =>
      (await rows<{ e: number; a: number }>(`select (select count(*)::int from ticket_events) as e, (select count(*)::int from audit_log) as a`))[0];
    const n = await counts();
    results = await partitionByMonth(database, { now: deps.clock.now(), aheadMonths: 3 });
    expect(results).toEqual([
      {
        table: 'ticket_events',
        converted: true,
        legacy: 'ticket_events_legacy',
        cutoff: '2026-01-31T16:00:00.000Z', // 1 February 2026, 00:00 in Beijing
        created: ['ticket_events_p202602', 'ticket_events_p202603', 'ticket_events_p202604'],
      },
      // The audit log's newest row is from today: its legacy partition runs to next month.
      expect.objectContaining({ table: 'audit_log', converted: true, legacy: 'audit_log_legacy', created: [auditNextMonth] }),
    ]);
    expect(await counts()).toEqual(n);
    expect(await partitionsOf('ticket_events', 'true')).toEqual(['ticket_events_legacy']);
    const [kinds] = await rows<{ e: string; a: string }>(
      `select (select relkind::text from pg_class where relname = 'ticket_events') as e, (select relkind::text from pg_class where relname = 'audit_log') as a`,
    );
    expect(kinds).toEqual({ e: 'p', a: 'p' });
    const pk = await rows<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'ticket_events'::regclass and contype = 'p'`,
    );
    expect(pk).toEqual([{ def: 'PRIMARY KEY (id, created_at)' }]);
    // The parent has the schema's indexes under their own names (migrations keep finding them).
    const idx = await rows<{ n: string }>(`select indexname as n from pg_indexes where tablename = 'ticket_events' order by 1`);
    expect(idx.map((i) => i.n)).toEqual(['ticket_events_created_idx', 'ticket_events_pkey', 'ticket_events_ticket_idx']);
  });

  it('is idempotent: a second run converts nothing and creates nothing', async () => {
    const again = await partitionByMonth(database, { now: deps.clock.now(), aheadMonths: 3 });
    expect(again.map((r) => [r.table, r.converted, r.created])).toEqual([
      ['ticket_events', false, []],
      ['audit_log', false, []],
    ]);
    const status = await partitionStatus(deps.db);
    expect(status.find((s) => s.table === 'ticket_events')!.partitions.map((p) => p.name)).toEqual([
      'ticket_events_legacy',
      'ticket_events_p202602',
      'ticket_events_p202603',
      'ticket_events_p202604',
    ]);
  });

  it('intake, the lifecycle and the callback work on the partitioned tables; new events land in their month', async () => {
    deps.clock.set(MAR);
    const v = await flow.awaitingCallback();
    const done = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' });
    expect(done.status).toBe('closed');
    expect(await partitionsOf('ticket_events', 'ticket_id = $1', [v.id])).toEqual(['ticket_events_p202603']);
    expect(await partitionsOf('ticket_events', 'ticket_id = $1', [before.ticketId])).toEqual(['ticket_events_legacy']);
    // Ids continue from the identity's sequence.
    const [first] = await rows<{ min: number }>(`select min(id)::int as min from ticket_events where ticket_id = $1`, [v.id]);
    expect(first!.min).toBeGreaterThan(before.maxEventId);
    // A ticket's history reads across partitions.
    const old = await api.call('GET', `/api/tickets/${before.ticketId}/events`, { token: w.dispatcher.token });
    expect(old.status).toBe(200);
    // The old ticket gets a new event in March: its history spans two partitions, in order.
    const waiting = await flow.get(
      w.dispatcher,
      (await rows<{ id: number }>(`select id::int from tickets where caller_phone_index = '${phoneIndex('13900000001')}'`))[0]!.id,
    );
    const dispatched = await flow.ticket(w.dispatcher, waiting, 'dispatch', { leadUnitId: w.units.streetA.id });
    await flow.assignment(w.handlerA, dispatched, leadOf(dispatched), 'sign');
    expect(await partitionsOf('ticket_events', 'ticket_id = $1', [waiting.id])).toEqual(['ticket_events_legacy', 'ticket_events_p202603']);
    const history = await api.call('GET', `/api/tickets/${waiting.id}/events`, { token: w.dispatcher.token });
    const types = (history.body.items ?? history.body).map((e: { type: string }) => e.type);
    expect(types[0]).toBe('ticket_created');
    expect(types.slice(-2)).toEqual(['dispatch', 'sign']);
  });

  it('the metrics queue trigger fires once per event on every partition; metrics count both months', async () => {
    const [q] = await rows<{ queued: number; events: number }>(
      `select (select count(*)::int from metrics_queue) as queued, (select count(*)::int from ticket_events where id > $1) as events`,
      [before.maxEventId],
    );
    expect(q!.queued).toBe(q!.events);
    await rollup(deps, deps.clock.now());
    for (const month of ['2026-01', '2026-03']) {
      const r = await api.call('GET', `/api/metrics?period=month&from=${month}&unitId=${w.units.streetA.id}`, { token: w.supervisor.token });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.freshness.pendingEvents).toBe(0);
      expect(r.body.rows[0].metrics.satisfaction_rate).toMatchObject({ value: 1, numerator: 1, denominator: 1 });
    }
  });

  it('the audit log stays append-only: on the parent, the old rows and a new month alike', async () => {
    await audit(deps.db, w.dispatcher.actor, 'contact_viewed', { type: 'ticket', id: 1 });
    expect(await partitionsOf('audit_log', `action = 'contact_viewed'`)).toEqual(['audit_log_legacy']);
    const nextMonth = monthStart(addMonths(monthOf(new Date()), 1));
    await database.query(`insert into audit_log (at, action) values ($1::timestamptz + interval '3 days', 'future_row')`, [nextMonth.toISOString()]);
    expect(await partitionsOf('audit_log', `action = 'future_row'`)).toEqual([auditNextMonth]);
    for (const stmt of [
      `update audit_log set action = 'x'`,
      `delete from audit_log`,
      `truncate audit_log`,
      `update audit_log_legacy set action = 'x'`,
      `delete from ${auditNextMonth}`,
      `truncate ${auditNextMonth}`,
    ]) {
      await expect(database.query(stmt), stmt).rejects.toThrow(/append-only/);
    }
    const [n] = await rows<{ n: number }>(`select count(*)::int as n from audit_log`);
    expect(n!.n).toBeGreaterThanOrEqual(3);
  });

  it('the audit chain seals and verifies across the old rows and the new months; the row guard holds on every partition', async () => {
    const sealed = await sealAudit(deps.db, { wait: true });
    expect(sealed.sealed).toBeGreaterThan(0);
    expect(await rows(`select 1 from audit_log where seq is null`)).toEqual([]);
    expect(await partitionsOf('audit_log', 'seq is not null')).toEqual(['audit_log_legacy', auditNextMonth]);
    // seq's unique index carries the partition key on the parent; the old table's twin was adopted, not rebuilt under the lock.
    const [uq] = await rows<{ def: string }>(`select pg_get_indexdef('audit_log_seq_uq'::regclass) as def`);
    expect(uq!.def).toMatch(/UNIQUE INDEX audit_log_seq_uq ON .*audit_log USING btree \(seq, at\)/);
    expect((await verifyChain(deps.db)).firstBroken).toBeNull();
    // Once sealed, a row stays as it is, whichever partition holds it.
    const sealedRows = await rows<{ id: number; p: string }>(`select id::int, tableoid::regclass::text as p from audit_log where seq is not null order by seq`);
    for (const r of [sealedRows[0]!, sealedRows[sealedRows.length - 1]!]) {
      await expect(database.query(`update ${r.p} set seq = seq + 1000, mac = 'x' where id = ${r.id}`), r.p).rejects.toThrow(/append-only/);
    }
    // The purge's way past the guard works on a partition too: an unsealed row of 400 days ago, out of the chain.
    await database.query(`insert into audit_log (at, action) values (now() - interval '400 days', 'stale_row')`);
    await deps.db.transaction(async (tx) => {
      await tx.execute(sql`set local jiesu.audit_purge = 'on'`);
      await tx.execute(sql`delete from audit_log where action = 'stale_row'`);
    });
    expect(await rows(`select 1 from audit_log where action = 'stale_row'`)).toEqual([]);
    await audit(deps.db, w.dispatcher.actor, 'contact_viewed', { type: 'ticket', id: 2 });
    await sealAudit(deps.db, { wait: true });
    expect(await verifyChain(deps.db)).toMatchObject({ ok: true, firstBroken: null });
  });

  it('a migration altering the parent reaches every partition', async () => {
    await database.query(`alter table ticket_events add column scale_probe text`);
    const cols = await rows<{ t: string }>(`select table_name as t from information_schema.columns where column_name = 'scale_probe' order by 1`);
    expect(cols.map((c) => c.t)).toEqual(['ticket_events', 'ticket_events_legacy', 'ticket_events_p202602', 'ticket_events_p202603', 'ticket_events_p202604']);
    await database.query(`alter table ticket_events drop column scale_probe`);
  });

  it('the job keeps months ahead from the newest partition, filling a gap, once per run', async () => {
    const r = await ensurePartitionsAhead(database, new Date('2026-06-10T00:00:00Z'), 3);
    expect(r.created.filter((n) => n.startsWith('ticket_events'))).toEqual([
      'ticket_events_p202605',
      'ticket_events_p202606',
      'ticket_events_p202607',
      'ticket_events_p202608',
      'ticket_events_p202609',
    ]);
    expect((await ensurePartitionsAhead(database, new Date('2026-06-10T00:00:00Z'), 3)).created).toEqual([]);
  });
});
